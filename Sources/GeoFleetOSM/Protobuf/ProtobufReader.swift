/// A malformed protobuf message: what is wrong and where, as a byte position in the decoded buffer.
struct ProtobufError: Error, Equatable, CustomStringConvertible {
    var reason: String
    var position: Int

    var description: String { "\(reason) (at byte \(position) of the decoded data)" }
}

/// Protobuf wire types (https://protobuf.dev/programming-guides/encoding/).
enum WireType {
    static let varint: UInt8 = 0
    static let fixed64: UInt8 = 1
    static let lengthDelimited: UInt8 = 2
    static let startGroup: UInt8 = 3
    static let endGroup: UInt8 = 4
    static let fixed32: UInt8 = 5
}

/// Reads protobuf wire data from a byte range of a buffer, bounds-checking every read.
///
/// Positions are absolute in `bytes`, so a reader over a nested message or a packed field reports
/// errors at the position in the whole block. The buffer must outlive the reader.
struct ProtobufReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    let end: Int

    /// A reader over all of `bytes`.
    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        self.position = 0
        self.end = bytes.count
    }

    /// A reader over `range` of `bytes` (a nested message or packed field from another reader).
    init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "range outside the buffer")
        self.bytes = bytes
        self.position = range.lowerBound
        self.end = range.upperBound
    }

    var isAtEnd: Bool { position >= end }

    // MARK: Scalars

    @inline(__always)
    mutating func readVarint() throws(ProtobufError) -> UInt64 {
        // Most varints in OSM data (deltas, string indexes) are one byte: keep that path short.
        if position < end {
            let first = bytes[position]
            if first < 0x80 {
                position += 1
                return UInt64(first)
            }
        }
        return try readVarintSlow()
    }

    @inline(never)
    private mutating func readVarintSlow() throws(ProtobufError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var p = position
        while p < end {
            let byte = bytes[p]
            p += 1
            result |= UInt64(byte & 0x7F) &<< shift
            if byte < 0x80 {
                position = p
                return result
            }
            shift += 7
            if shift >= 70 {
                throw ProtobufError(reason: "varint longer than 10 bytes", position: position)
            }
        }
        throw ProtobufError(reason: "truncated varint", position: position)
    }

    /// A `sint64` (zigzag-encoded) value.
    @inline(__always)
    mutating func readSInt64() throws(ProtobufError) -> Int64 {
        Self.zigzagDecode(try readVarint())
    }

    /// An `int64` value (negative numbers are 10-byte two's complement varints).
    @inline(__always)
    mutating func readInt64() throws(ProtobufError) -> Int64 {
        Int64(bitPattern: try readVarint())
    }

    /// An `int32` value; protobuf sign-extends negative int32 to 64 bits, so truncation restores it.
    @inline(__always)
    mutating func readInt32() throws(ProtobufError) -> Int32 {
        Int32(truncatingIfNeeded: try readVarint())
    }

    @inline(__always)
    static func zigzagDecode(_ value: UInt64) -> Int64 {
        Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
    }

    // MARK: Fields

    /// The next field key. Field number 0 is invalid in protobuf and is rejected.
    @inline(__always)
    mutating func readTag() throws(ProtobufError) -> (field: Int, wireType: UInt8) {
        let start = position
        let key = try readVarint()
        let field = key >> 3
        guard field != 0, field <= UInt64(Int32.max) else {
            throw ProtobufError(reason: "invalid field number \(field)", position: start)
        }
        return (Int(field), UInt8(key & 7))
    }

    /// The byte range of a length-delimited value (bytes, string, nested message, packed field).
    @inline(__always)
    mutating func readLengthDelimited() throws(ProtobufError) -> Range<Int> {
        let start = position
        let length = try readVarint()
        guard length <= UInt64(end - position) else {
            throw ProtobufError(
                reason: "length \(length) runs past the end of the message (\(end - position) bytes left)",
                position: start)
        }
        let range = position..<(position + Int(length))
        position = range.upperBound
        return range
    }

    /// The byte range of field `field`, which must have wire type 2 (a string, message or packed field).
    @inline(__always)
    mutating func readLengthDelimited(field: Int, wireType: UInt8, in message: StaticString) throws(ProtobufError) -> Range<Int> {
        guard wireType == WireType.lengthDelimited else {
            throw ProtobufError(
                reason: "\(message) field \(field) has wire type \(wireType), expected 2 (length-delimited/packed)",
                position: position)
        }
        return try readLengthDelimited()
    }

    /// A varint field's value; the wire type must be 0.
    @inline(__always)
    mutating func readVarint(field: Int, wireType: UInt8, in message: StaticString) throws(ProtobufError) -> UInt64 {
        guard wireType == WireType.varint else {
            throw ProtobufError(
                reason: "\(message) field \(field) has wire type \(wireType), expected 0 (varint)",
                position: position)
        }
        return try readVarint()
    }

    /// A string field (invalid UTF-8 is repaired with U+FFFD rather than rejected).
    mutating func readString(field: Int, wireType: UInt8, in message: StaticString) throws(ProtobufError) -> String {
        let range = try readLengthDelimited(field: field, wireType: wireType, in: message)
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// Skips a field value of an unknown or unwanted field.
    mutating func skip(wireType: UInt8) throws(ProtobufError) {
        switch wireType {
        case WireType.varint:
            _ = try readVarint()
        case WireType.fixed64:
            try advance(by: 8)
        case WireType.lengthDelimited:
            _ = try readLengthDelimited()
        case WireType.fixed32:
            try advance(by: 4)
        default:
            // Groups (3, 4) are deprecated and never used by the OSM schema.
            throw ProtobufError(reason: "unsupported wire type \(wireType)", position: position)
        }
    }

    private mutating func advance(by count: Int) throws(ProtobufError) {
        guard end - position >= count else {
            throw ProtobufError(reason: "truncated fixed-width field", position: position)
        }
        position += count
    }

    // MARK: Packed fields

    /// How many varints a packed field holds: each ends with a byte whose high bit is clear.
    /// Used to reserve capacity before decoding; a truncated last varint is not counted.
    static func varintCount(in bytes: UnsafeRawBufferPointer, range: Range<Int>) -> Int {
        var count = 0
        for index in range where bytes[index] < 0x80 {
            count += 1
        }
        return count
    }
}
