import Foundation

/// One `positions` row decoded from a binary COPY tuple (an archive file or a live `COPY TO`).
public struct PositionRecord: Sendable, Equatable {
    public var vehicleKey: Int64
    public var deviceID: Int64?
    /// Milliseconds since the epoch (microseconds floored, as the track API reads them).
    public var fixTime: Int64
    public var receivedTime: Int64
    public var latitude: Double
    public var longitude: Double
    public var speedKmh: Float
    public var heading: Float
    public var altitude: Float
    public var satellites: Int16
    public var hdop: Float?
    public var accuracy: Float?
    /// `device` or `manual`.
    public var source: String
    /// The `attributes` jsonb as JSON text.
    public var attributes: String

    /// Decodes one tuple in ``ArchiveColumns`` order (what `PositionCopyDecoder` hands out).
    public static func decode(_ tuple: UnsafeRawBufferPointer) throws -> PositionRecord {
        var reader = TupleFields(raw: tuple)
        guard reader.fieldCount() == ArchiveColumns.all.count else { throw ArchiveError.corrupt("tuple with the wrong field count") }
        guard let key = try reader.next() else { throw ArchiveError.corrupt("null vehicle_key") }
        let device = try reader.next()
        guard let fix = try reader.next(), let received = try reader.next(), let geom = try reader.next() else {
            throw ArchiveError.corrupt("null time or geometry")
        }
        let (longitude, latitude) = try Self.point(geom)
        guard let speed = try reader.next(), let heading = try reader.next(), let altitude = try reader.next(), let satellites = try reader.next()
        else { throw ArchiveError.corrupt("null measurement") }
        let hdop = try reader.next()
        let accuracy = try reader.next()
        guard let source = try reader.next(), let attributes = try reader.next(), attributes.count >= 1 else {
            throw ArchiveError.corrupt("null source or attributes")
        }
        return PositionRecord(
            vehicleKey: Self.int64(key), deviceID: device.map(Self.int64), fixTime: Self.milliseconds(fix), receivedTime: Self.milliseconds(received),
            latitude: latitude, longitude: longitude, speedKmh: Self.float(speed), heading: Self.float(heading), altitude: Self.float(altitude),
            satellites: Int16(truncatingIfNeeded: Self.bigEndian(satellites)), hdop: hdop.map(Self.float), accuracy: accuracy.map(Self.float),
            source: String(decoding: source, as: UTF8.self),
            // jsonb's binary form: a version byte (1), then the JSON text.
            attributes: String(decoding: attributes.dropFirst(), as: UTF8.self))
    }

    /// EWKB point → (x, y): byte order, type (with the SRID flag), optional SRID, two doubles.
    static func point(_ bytes: UnsafeRawBufferPointer.SubSequence) throws -> (Double, Double) {
        let b = UnsafeRawBufferPointer(rebasing: bytes)
        guard b.count >= 21 else { throw ArchiveError.corrupt("geometry too short") }
        let little = b[0] == 1
        func u32(_ at: Int) -> UInt32 {
            let v = b[at..<(at + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return little ? v.byteSwapped : v
        }
        func f64(_ at: Int) -> Double {
            let v = b[at..<(at + 8)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            return Double(bitPattern: little ? v.byteSwapped : v)
        }
        let type = u32(1)
        guard type & 0xFF == 1 else { throw ArchiveError.corrupt("geometry is not a point") }
        let offset = type & 0x2000_0000 != 0 ? 9 : 5
        guard b.count >= offset + 16 else { throw ArchiveError.corrupt("geometry too short") }
        return (f64(offset), f64(offset + 8))
    }

    static func bigEndian(_ bytes: UnsafeRawBufferPointer.SubSequence) -> UInt64 {
        bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    static func int64(_ bytes: UnsafeRawBufferPointer.SubSequence) -> Int64 { Int64(bitPattern: bigEndian(bytes)) }

    static func float(_ bytes: UnsafeRawBufferPointer.SubSequence) -> Float { Float(bitPattern: UInt32(truncatingIfNeeded: bigEndian(bytes))) }

    static func milliseconds(_ bytes: UnsafeRawBufferPointer.SubSequence) -> Int64 {
        let micros = int64(bytes) + PGCopyBinaryScanner.postgresEpochMicros
        return micros >= 0 ? micros / 1000 : (micros - 999) / 1000
    }
}

/// Walks the length-prefixed fields of one binary COPY tuple.
private struct TupleFields {
    let raw: UnsafeRawBufferPointer
    var cursor = 2

    func fieldCount() -> Int { raw.count >= 2 ? Int(Int16(bitPattern: UInt16(raw[0]) << 8 | UInt16(raw[1]))) : -1 }

    /// The next field's bytes; nil for NULL.
    mutating func next() throws -> UnsafeRawBufferPointer.SubSequence? {
        guard cursor + 4 <= raw.count else { throw ArchiveError.corrupt("tuple truncated") }
        let length = Int(Int32(bitPattern: raw[cursor..<(cursor + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }))
        cursor += 4
        if length < 0 { return nil }
        guard cursor + length <= raw.count else { throw ArchiveError.corrupt("tuple truncated") }
        defer { cursor += length }
        return raw[cursor..<(cursor + length)]
    }
}
