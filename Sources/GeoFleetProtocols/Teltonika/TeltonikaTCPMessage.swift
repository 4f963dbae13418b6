/// What the TCP frame decoder emits.
public enum TeltonikaTCPMessage: Sendable, Hashable {
    /// The handshake: the device's IMEI (15 to 17 ASCII digits). Answer 0x01 to accept, 0x00 to reject.
    case imei(String)
    /// An AVL packet whose CRC verified. Answer with the 4-byte record count once the records are durable.
    case packet(TeltonikaAVLPacket)
    /// A whole frame arrived but its CRC did not match: send no ACK (the device resends); the connection stays open.
    case corruptPacket(recordCount: Int)
    /// The single 0xFF keep-alive byte between frames; needs no answer.
    case ping
}
