import GeoFleetCore
import Logging
import NIOCore
import PostgresNIO

/// Encodes positions as rows of PostgreSQL's COPY text format for the `positions` table.
///
/// postgres-nio's `copyFrom` speaks the text format only; geometry goes as hex EWKB, which
/// PostGIS parses without the WKT parser's cost.
public enum PositionCopyEncoder {
    /// Column order of every encoded row.
    public static let columns = [
        "vehicle_key", "device_id", "fix_time", "received_time", "geom", "speed_kmh", "heading",
        "altitude", "satellites", "hdop", "accuracy", "source", "attributes",
    ]

    private static let tab = UInt8(ascii: "\t")
    private static let null: [UInt8] = Array("\\N".utf8)
    private static let zone: [UInt8] = Array("+00".utf8)
    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
    /// Little-endian EWKB point header with SRID 4326: byte order, type 0x20000001, SRID.
    private static let ewkbHeader: [UInt8] = Array("0101000020E6100000".utf8)

    /// Appends one row, newline-terminated.
    public static func append(_ p: Position, to out: inout [UInt8]) {
        appendInteger(p.vehicleKey, &out)
        out.append(tab)
        if let device = p.deviceID { appendInteger(device, &out) } else { out.append(contentsOf: null) }
        out.append(tab)
        UTCTime.appendISO8601(milliseconds: p.fixTime, separator: UInt8(ascii: " "), zone: zone, to: &out)
        out.append(tab)
        UTCTime.appendISO8601(milliseconds: p.receivedTime, separator: UInt8(ascii: " "), zone: zone, to: &out)
        out.append(tab)
        out.append(contentsOf: ewkbHeader)
        appendDoubleHex(p.longitude, &out)
        appendDoubleHex(p.latitude, &out)
        out.append(tab)
        appendNumber(p.speedKmh, &out)
        out.append(tab)
        appendNumber(p.heading, &out)
        out.append(tab)
        appendNumber(p.altitude, &out)
        out.append(tab)
        appendInteger(Int64(p.satellites), &out)
        out.append(tab)
        if let hdop = p.hdop { appendNumber(hdop, &out) } else { out.append(contentsOf: null) }
        out.append(tab)
        if let accuracy = p.accuracy { appendNumber(accuracy, &out) } else { out.append(contentsOf: null) }
        out.append(tab)
        out.append(contentsOf: p.source.name.utf8)
        out.append(tab)
        appendEscaped(AttributesJSON.object(io: p.io, named: p.attributes), &out)
        out.append(UInt8(ascii: "\n"))
    }

    @inline(__always)
    static func appendInteger(_ value: Int64, _ out: inout [UInt8]) {
        out.append(contentsOf: String(value).utf8)
    }

    @inline(__always)
    static func appendNumber(_ value: Double, _ out: inout [UInt8]) {
        // NaN/inf never reach here (decoders produce finite values); guard anyway so COPY can't fail.
        guard value.isFinite else {
            out.append(UInt8(ascii: "0"))
            return
        }
        if value == value.rounded(), abs(value) < 1e15 {
            appendInteger(Int64(value), &out)
        } else {
            out.append(contentsOf: "\(Float(value))".utf8)
        }
    }

    @inline(__always)
    static func appendDoubleHex(_ value: Double, _ out: inout [UInt8]) {
        var bits = value.bitPattern.littleEndian
        withUnsafeBytes(of: &bits) { raw in
            for byte in raw {
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
    }

    /// COPY text escaping: backslash, tab, newline and carriage return. A NUL, which no PostgreSQL
    /// text can hold (the whole COPY would fail), becomes U+FFFD as in `JSONWriter.string(_:replacingNUL:)`.
    static func appendEscaped(_ text: String, _ out: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case 0: out.append(contentsOf: [0xEF, 0xBF, 0xBD])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\t"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case UInt8(ascii: "\n"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            default: out.append(byte)
            }
        }
    }

    /// Sends `positions` into `positions` with one COPY, encoded first and written in one piece.
    ///
    /// One write, not a stream of chunks: postgres-nio 1.33 traps (a precondition, in release builds
    /// too) when a copy write or `CopyFail` reaches a connection that the server has just closed, as a
    /// killed backend or a restarting server does. With one write made right after the COPY starts, a
    /// server that dies mid-transfer is met in `CopyDone`'s wait, which fails cleanly.
    public static func copy<S: Sequence<Position>>(_ positions: S, on connection: PostgresConnection, logger: Logger) async throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256 * 1024)
        for position in positions { append(position, to: &bytes) }
        guard !bytes.isEmpty else { return }
        let buffer = ByteBuffer(bytes: bytes)
        bytes = []
        try await connection.copyFrom(table: "positions", columns: columns, logger: logger) { writer in
            try await writer.write(buffer)
        }
    }
}
