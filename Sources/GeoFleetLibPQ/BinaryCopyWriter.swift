/// Builds a PostgreSQL binary COPY stream (`COPY … FROM STDIN (FORMAT binary)`): the signature,
/// then per row a field count and each field as a length and the type's binary ("recv") form, then
/// the trailer. Integers are big-endian; the caller writes fields in the table's column order.
public struct BinaryCopyWriter: Sendable {
    /// The stream's first 19 bytes: signature, flags (no OIDs), header extension length 0.
    public static let header: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + [0, 0, 0, 0] + [0, 0, 0, 0]
    /// Microseconds from the Unix epoch to PostgreSQL's (2000-01-01 00:00 UTC).
    public static let postgresEpochMicroseconds: Int64 = 946_684_800_000_000

    /// The stream so far.
    public private(set) var bytes: [UInt8]

    public init(reservingCapacity capacity: Int = 64 * 1024) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(contentsOf: Self.header)
    }

    /// Starts a row of `fields` fields.
    public mutating func beginRow(fields: Int16) { appendBigEndian(fields) }

    public mutating func appendNull() { appendBigEndian(Int32(-1)) }

    public mutating func appendInt16(_ value: Int16) {
        appendBigEndian(Int32(2))
        appendBigEndian(value)
    }

    public mutating func appendInt64(_ value: Int64) {
        appendBigEndian(Int32(8))
        appendBigEndian(value)
    }

    public mutating func appendFloat32(_ value: Float) {
        appendBigEndian(Int32(4))
        appendBigEndian(value.bitPattern)
    }

    /// A `timestamptz` given in milliseconds since the Unix epoch (the server keeps microseconds since 2000).
    public mutating func appendTimestamp(unixMilliseconds: Int64) {
        appendInt64(unixMilliseconds &* 1000 &- Self.postgresEpochMicroseconds)
    }

    /// A `text`, `varchar` or enum value: its UTF-8 bytes.
    public mutating func appendText(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            appendBigEndian(Int32(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// A `jsonb` value: format version 1, then the JSON text.
    public mutating func appendJSONB(_ json: String) {
        var json = json
        json.withUTF8 { utf8 in
            appendBigEndian(Int32(utf8.count + 1))
            bytes.append(1)
            bytes.append(contentsOf: utf8)
        }
    }

    /// A field of `length` bytes that `write` appends (e.g. a geometry's EWKB).
    public mutating func appendField(length: Int32, _ write: (inout [UInt8]) -> Void) {
        appendBigEndian(length)
        let before = bytes.count
        write(&bytes)
        precondition(bytes.count - before == Int(length), "binary COPY field length mismatch")
    }

    /// Ends the stream and returns it.
    public mutating func finish() -> [UInt8] {
        appendBigEndian(Int16(-1))
        defer { bytes = [] }
        return bytes
    }

    @inline(__always)
    private mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}
