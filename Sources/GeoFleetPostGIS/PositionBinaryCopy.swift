import GeoFleetCore
import GeoFleetLibPQ

/// Encodes positions as rows of PostgreSQL's binary COPY format for the `positions` table: the
/// geometry as EWKB, times as microseconds since 2000, `jsonb` with its version byte.
public enum PositionBinaryCopy {
    /// Column order of every encoded row.
    public static let columns = [
        "vehicle_key", "device_id", "fix_time", "received_time", "geom", "speed_kmh", "heading",
        "altitude", "satellites", "hdop", "accuracy", "source", "attributes",
    ]

    /// The statement that takes a stream of these rows.
    public static let copyStatement = "COPY positions (\(columns.joined(separator: ", "))) FROM STDIN (FORMAT binary)"

    /// Little-endian EWKB point header with SRID 4326: byte order, type 0x20000001, SRID.
    private static let ewkbHeader: [UInt8] = [0x01, 0x01, 0x00, 0x00, 0x20, 0xE6, 0x10, 0x00, 0x00]

    /// Why a position cannot be encoded, or nil. Numbers PostgreSQL's `real` and `double precision`
    /// would hold as NaN or infinity are refused: no device reports them, so they are a decoder's bug
    /// or a forged frame, and the row goes to the dead letters with this message.
    public static func refusal(_ p: Position) -> PositionEncodingError? {
        func check(_ name: String, _ value: Double?, real: Bool) -> PositionEncodingError? {
            guard let value, !(real ? Float(value).isFinite : value.isFinite) else { return nil }
            return PositionEncodingError(field: name, value: value, vehicleKey: p.vehicleKey)
        }
        return check("latitude", p.latitude, real: false) ?? check("longitude", p.longitude, real: false)
            ?? check("speed_kmh", p.speedKmh, real: true) ?? check("heading", p.heading, real: true)
            ?? check("altitude", p.altitude, real: true) ?? check("hdop", p.hdop, real: true)
            ?? check("accuracy", p.accuracy, real: true)
    }

    /// Appends one row; `refusal(p)` must be nil.
    public static func append(_ p: Position, to out: inout BinaryCopyWriter) {
        out.beginRow(fields: 13)
        out.appendInt64(p.vehicleKey)
        if let device = p.deviceID { out.appendInt64(device) } else { out.appendNull() }
        out.appendTimestamp(unixMilliseconds: p.fixTime)
        out.appendTimestamp(unixMilliseconds: p.receivedTime)
        out.appendField(length: 25) { bytes in
            bytes.append(contentsOf: ewkbHeader)
            withUnsafeBytes(of: p.longitude.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: p.latitude.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        out.appendFloat32(Float(p.speedKmh))
        out.appendFloat32(Float(p.heading))
        out.appendFloat32(Float(p.altitude))
        out.appendInt16(Int16(clamping: p.satellites))
        if let hdop = p.hdop { out.appendFloat32(Float(hdop)) } else { out.appendNull() }
        if let accuracy = p.accuracy { out.appendFloat32(Float(accuracy)) } else { out.appendNull() }
        out.appendText(p.source.name)
        out.appendJSONB(AttributesJSON.object(io: p.io, named: p.attributes))
    }

    /// The whole COPY stream for `positions` (each must pass `refusal`).
    public static func stream<S: Sequence<Position>>(_ positions: S, capacity: Int = 64 * 1024) -> [UInt8] {
        var out = BinaryCopyWriter(reservingCapacity: capacity)
        for p in positions { append(p, to: &out) }
        return out.finish()
    }
}

/// A position with a number PostgreSQL would store as NaN or infinity.
public struct PositionEncodingError: Error, CustomStringConvertible, Sendable {
    public var field: String
    public var value: Double
    public var vehicleKey: Int64
    /// Filed under SQLSTATE class 22 (data exception) like the server's own refusals.
    public static let sqlState = "22000"

    public var description: String {
        "\(field) \(value) of vehicle \(vehicleKey) is not a finite number PostgreSQL can store"
    }
}
