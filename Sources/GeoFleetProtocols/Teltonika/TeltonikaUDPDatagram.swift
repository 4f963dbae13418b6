import NIOCore

/// One Teltonika UDP datagram: the UDP channel header, the IMEI, and the AVL data it carries.
///
/// Unlike TCP there is no handshake, preamble or CRC: every datagram names its device and must be
/// acknowledged on its own, echoing the packet id and the AVL packet id.
public struct TeltonikaUDPDatagram: Sendable, Hashable {
    /// The channel-level packet id (echoed in the ACK).
    public var packetID: UInt16
    /// The AVL packet id (echoed in the ACK; a device repeats it when it resends the same data).
    public var avlPacketID: UInt8
    public var imei: String
    public var packet: TeltonikaAVLPacket

    public init(packetID: UInt16, avlPacketID: UInt8, imei: String, packet: TeltonikaAVLPacket) {
        self.packetID = packetID
        self.avlPacketID = avlPacketID
        self.imei = imei
        self.packet = packet
    }
}

extension Teltonika {
    /// The largest datagram accepted: a UDP payload cannot exceed 65,507 bytes anyway, and the
    /// length field is two bytes, so this only bounds what a forged length may claim.
    public static let maxDatagramLength = 65_535

    /// The "packet type" byte of AVL datagrams ("not usable byte" in Teltonika's table).
    static let udpAVLPacketType: UInt8 = 0x01

    /// Decodes one whole datagram. The declared length must match the datagram exactly: a short or
    /// padded datagram is garbage, not something to guess at.
    public static func decodeUDPDatagram(_ datagram: ByteBuffer) throws(TeltonikaDecodingError) -> TeltonikaUDPDatagram {
        var reader = datagram
        let length: UInt16 = try reader.readBE()
        guard Int(length) == reader.readableBytes else {
            throw .udpLengthMismatch(declared: Int(length), actual: reader.readableBytes)
        }
        let packetID: UInt16 = try reader.readBE()
        let packetType: UInt8 = try reader.readBE()
        guard packetType == udpAVLPacketType else { throw .udpPacketType(packetType) }
        let avlPacketID: UInt8 = try reader.readBE()
        let imeiLength: UInt16 = try reader.readBE()
        guard imeiLengths.contains(Int(imeiLength)) else { throw .badIMEILength(Int(imeiLength)) }
        guard let imeiBytes = reader.readSlice(length: Int(imeiLength)) else { throw .truncated }
        let imei = try imeiBytes.withUnsafeReadableBytes { (raw) throws(TeltonikaDecodingError) -> String in
            try parseIMEI(raw)
        }
        let packet = try decodeAVLData(&reader)
        guard reader.readableBytes == 0 else { throw .trailingBytes(reader.readableBytes) }
        return TeltonikaUDPDatagram(packetID: packetID, avlPacketID: avlPacketID, imei: imei, packet: packet)
    }

    /// The 7-byte UDP acknowledgement: length 5, packet id, packet type, AVL packet id, accepted record count.
    public static func encodeUDPAck(packetID: UInt16, avlPacketID: UInt8, accepted: UInt8) -> [UInt8] {
        [0x00, 0x05, UInt8(packetID >> 8), UInt8(packetID & 0xFF), udpAVLPacketType, avlPacketID, accepted]
    }

    /// Builds a datagram around AVL data (Codec ID … Number of Data 2), for simulators and tests.
    public static func encodeUDPDatagram(packetID: UInt16, avlPacketID: UInt8, imei: String, avlData: [UInt8]) -> [UInt8] {
        let imeiBytes = Array(imei.utf8)
        let length = 2 + 1 + 1 + 2 + imeiBytes.count + avlData.count
        var out: [UInt8] = [UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)]
        out += [UInt8(packetID >> 8), UInt8(packetID & 0xFF), udpAVLPacketType, avlPacketID]
        out += [UInt8(truncatingIfNeeded: imeiBytes.count >> 8), UInt8(truncatingIfNeeded: imeiBytes.count)]
        out += imeiBytes
        out += avlData
        return out
    }
}
