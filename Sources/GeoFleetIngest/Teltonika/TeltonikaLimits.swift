import GeoFleetProtocols

/// Limits on what a decoded Teltonika packet may carry, checked before it is queued or stored.
enum TeltonikaLimits {
    /// Throws when a record carries more IO elements than `maxIOElementsPerRecord`: a 64 KB Codec 8E
    /// frame can declare ~21,000 one-byte elements, which no device sends and every store would carry.
    static func check(_ packet: TeltonikaAVLPacket, maxIOElementsPerRecord: Int) throws(FrameRefusal) {
        for record in packet.records where record.io.count > maxIOElementsPerRecord {
            throw .tooManyIOElements(count: record.io.count, limit: maxIOElementsPerRecord)
        }
    }
}
