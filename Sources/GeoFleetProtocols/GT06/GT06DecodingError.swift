/// Why bytes from a GT06 device could not be decoded; the session closes the connection on any of these.
public enum GT06DecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The frame does not start with `7878` or `7979`.
    case badStartBytes
    /// The Length field is below the minimum (protocol number, serial and CRC need 5 bytes).
    case frameTooSmall(length: Int)
    /// The Length field exceeds the limit; rejected before waiting for (or buffering) the body.
    case frameTooLarge(length: Int, limit: Int)
    /// The declared length does not end on `0D0A` (a clone with a wrong length byte, or garbage).
    case badStopBytes
    /// The error check does not match the CRC-ITU of length … serial.
    case badCRC
    /// A field would read past the end of the information content.
    case truncated
    /// The login terminal ID is not 16 BCD digits starting with 0 (a 15-digit IMEI).
    case badTerminalID
    /// The date-time fields do not form a calendar date and time.
    case badDateTime
    /// Latitude above 90 or longitude above 180 degrees.
    case badCoordinates

    public var description: String {
        switch self {
        case .badStartBytes:
            return "GT06: frame does not start with 7878 or 7979"
        case .frameTooSmall(let length):
            return "GT06: length \(length) is below the minimum of \(GT06.minFrameLength)"
        case .frameTooLarge(let length, let limit):
            return "GT06: length \(length) exceeds the limit of \(limit) bytes"
        case .badStopBytes:
            return "GT06: frame of the declared length does not end with 0D0A"
        case .badCRC:
            return "GT06: error check does not match the CRC-ITU of the frame"
        case .truncated:
            return "GT06: information content ends inside a field"
        case .badTerminalID:
            return "GT06: login terminal ID is not 0 followed by 15 BCD digits"
        case .badDateTime:
            return "GT06: date-time fields are not a valid date and time"
        case .badCoordinates:
            return "GT06: latitude or longitude out of range"
        }
    }
}
