/// Namespace for the Ruptela protocol (FM-Eco/FM-Pro/FM-Tco/Trace5, Traccar's `ruptela`, TCP 5046): limits,
/// command ids, CRC, server replies and message decoding.
///
/// Device packet: length u16 (bytes of IMEI … payload) | IMEI u64 | command u8 | payload | CRC-16/KERMIT u16
/// over IMEI … payload. Server packet: length u16 (1 + payload) | command u8 | payload | CRC over command … payload.
/// Multi-byte fields are big-endian.
public enum Ruptela {
    /// The largest length field accepted, checked before buffering a frame's body. The largest real packets
    /// seen are 1024 bytes (length 1020: full record packets, photo chunks); 2048 leaves headroom for other
    /// firmware while bounding what one connection can make us buffer.
    public static let maxFrameLength: Int = 2048

    /// IMEI (8) + command (1): a length field below this cannot describe a packet.
    static let minimumFrameLength: Int = 9

    /// The largest number of 15 decimal digits (IMEI and IMSI bound).
    static let largestFifteenDigitNumber: UInt64 = 999_999_999_999_999

    /// Device command ids this codec interprets.
    public enum Command {
        /// Position records, 1-byte IO ids and event id.
        public static let records: UInt8 = 1
        /// Diagnostic trouble codes (OBD).
        public static let troubleCodes: UInt8 = 9
        /// The device identifying itself (firmware, SIM); answered with 115.
        public static let identification: UInt8 = 15
        /// Keep-alive; answered with 116.
        public static let heartbeat: UInt8 = 16
        /// Extended records: 2-byte IO ids and event id, records split into parts.
        public static let extendedRecords: UInt8 = 68
    }

    /// Server replies carry the device command plus 100 (records, both kinds, are acknowledged with 100).
    static let replyOffset: UInt8 = 100

    /// The records acknowledgement (command 100 for both record commands): `00 02 64 01 13 BC` positive,
    /// `00 02 64 00 02 35` negative (payload 0: not accepted, the device keeps the records). Send the positive
    /// one only once the records are durable.
    public static func ack(positive: Bool) -> [UInt8] {
        encodeServerPacket(command: replyOffset, payload: [positive ? 1 : 0])
    }

    /// The IMEI as Ruptela carries it (a u64) in the usual 15-digit form, zero-padded on the left.
    static func imeiString(_ value: UInt64) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 15 - digits.count)) + digits
    }
}
