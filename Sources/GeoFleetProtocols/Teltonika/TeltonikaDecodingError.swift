/// Why bytes from a Teltonika device could not be decoded; on the TCP path any of these closes the connection.
public enum TeltonikaDecodingError: Error, Equatable, CustomStringConvertible {
    /// The four bytes before an AVL frame were not zero (or a frame began with a byte other than 0x00 / 0xFF ping).
    case badPreamble
    /// The data field length exceeds the limit; rejected before waiting for (or buffering) the body.
    case frameTooLarge(length: UInt32, limit: Int)
    /// The data field length cannot even hold Codec ID, Number of Data 1 and Number of Data 2.
    case frameTooSmall(length: UInt32)
    /// A Codec ID this decoder does not parse as AVL data (e.g. 0x07 GH3000, or 0x0C..0x0F given to `decodeAVLData`).
    case unsupportedCodec(UInt8)
    /// Number of Data 1 and Number of Data 2 differ.
    case recordCountMismatch(first: UInt8, second: UInt8)
    /// The record count cannot fit in the bytes that follow, even with records of minimum size.
    case implausibleRecordCount(count: Int, availableBytes: Int)
    /// A field would read past the end of the data.
    case truncated
    /// The per-group IO counts (N1 + N2 + N4 + N8 [+ NX]) do not add up to the record's total IO count.
    case ioCountMismatch(declared: Int, actual: Int)
    /// Bytes remain between Number of Data 2 and the end of the declared data field.
    case trailingBytes(Int)
    /// The IMEI packet's length field is outside 15...17.
    case badIMEILength(Int)
    /// The IMEI packet holds something other than ASCII digits.
    case badIMEICharacters
    /// A UDP datagram's length field disagrees with the datagram's size.
    case udpLengthMismatch(declared: Int, actual: Int)
    /// A UDP datagram whose packet type is not AVL data (0x01).
    case udpPacketType(UInt8)

    public var description: String {
        switch self {
        case .badPreamble:
            return "Teltonika: AVL frame does not start with the 00000000 preamble"
        case .frameTooLarge(let length, let limit):
            return "Teltonika: data field length \(length) exceeds the limit of \(limit) bytes"
        case .frameTooSmall(let length):
            return "Teltonika: data field length \(length) is too small for an AVL packet"
        case .unsupportedCodec(let id):
            return "Teltonika: unsupported codec 0x\(String(id, radix: 16, uppercase: true))"
        case .recordCountMismatch(let first, let second):
            return "Teltonika: Number of Data 1 (\(first)) differs from Number of Data 2 (\(second))"
        case .implausibleRecordCount(let count, let available):
            return "Teltonika: \(count) records cannot fit in \(available) bytes"
        case .truncated:
            return "Teltonika: AVL data ends inside a field"
        case .ioCountMismatch(let declared, let actual):
            return "Teltonika: record declares \(declared) IO elements but its groups hold \(actual)"
        case .trailingBytes(let count):
            return "Teltonika: \(count) unexpected bytes after Number of Data 2"
        case .badIMEILength(let length):
            return "Teltonika: IMEI length \(length) is not 15...17"
        case .badIMEICharacters:
            return "Teltonika: IMEI holds non-digit characters"
        case .udpLengthMismatch(let declared, let actual):
            return "Teltonika UDP: length field says \(declared) bytes but \(actual) follow"
        case .udpPacketType(let type):
            return "Teltonika UDP: packet type 0x\(String(type, radix: 16, uppercase: true)) is not AVL data (0x01)"
        }
    }
}
