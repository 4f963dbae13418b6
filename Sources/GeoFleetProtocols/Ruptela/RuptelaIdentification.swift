/// The identification packet (command 15) a device sends after connecting, kept as sent.
///
/// Ruptela's public material does not describe its layout. Real packets start with 15 ASCII characters (device
/// sign and firmware version, e.g. `Es0400.03.68.04`, `OBD100.01.08.00`), followed by what reads as the SIM's
/// IMSI (u64) and the GSM operator (u32, MCC+MNC); those accessors are best-effort and may be nil.
public struct RuptelaIdentification: Sendable, Equatable {
    /// The payload after the command id.
    public var payload: [UInt8]

    public init(payload: [UInt8]) {
        self.payload = payload
    }

    /// The leading 15 bytes as text when they are printable ASCII.
    public var versionText: String? {
        guard payload.count >= 15 else { return nil }
        let text = payload[0..<15]
        guard text.allSatisfy({ (0x20...0x7E).contains($0) }) else { return nil }
        return String(decoding: text, as: UTF8.self)
    }

    /// Bytes 15..<23 as a 15-digit IMSI, when they hold one.
    public var imsi: String? {
        guard payload.count >= 23 else { return nil }
        let value = payload[15..<23].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard (100_000_000_000_000...Ruptela.largestFifteenDigitNumber).contains(value) else { return nil }
        return String(value)
    }

    /// Bytes 23..<27 as the GSM operator code (MCC and MNC as one number, e.g. 24603), when present.
    public var gsmOperator: UInt32? {
        guard payload.count >= 27 else { return nil }
        return payload[23..<27].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }
}
