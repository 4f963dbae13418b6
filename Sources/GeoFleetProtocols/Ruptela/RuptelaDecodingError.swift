/// Why bytes from a Ruptela device could not be decoded; on the TCP path any of these closes the connection.
public enum RuptelaDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The length field exceeds the limit; rejected before waiting for (or buffering) the body.
    case frameTooLarge(length: Int, limit: Int)
    /// The length field cannot even hold the IMEI and command id.
    case frameTooSmall(length: Int)
    /// The CRC field differs from the CRC of IMEI … payload (corruption, or a length field that lies).
    case badCRC(received: UInt16, computed: UInt16)
    /// The IMEI is zero or has more than 15 digits.
    case badIMEI(UInt64)
    /// A field, or a count's worth of entries, would read past the end of the payload.
    case truncated
    /// Bytes remain after the last record or trouble code the payload declared.
    case trailingBytes(Int)

    public var description: String {
        switch self {
        case .frameTooLarge(let length, let limit):
            return "Ruptela: packet length \(length) exceeds the limit of \(limit) bytes"
        case .frameTooSmall(let length):
            return "Ruptela: packet length \(length) is too small for an IMEI and a command id"
        case .badCRC(let received, let computed):
            return "Ruptela: CRC field 0x\(hex4(received)) differs from the computed 0x\(hex4(computed))"
        case .badIMEI(let value):
            return "Ruptela: IMEI \(value) is zero or longer than 15 digits"
        case .truncated:
            return "Ruptela: payload ends inside a field"
        case .trailingBytes(let count):
            return "Ruptela: \(count) unexpected bytes after the last entry"
        }
    }

    private func hex4(_ value: UInt16) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
