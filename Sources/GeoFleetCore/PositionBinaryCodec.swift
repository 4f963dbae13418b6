/// A compact binary form of a position batch: what one spool record holds.
///
/// Little-endian throughout. Layout: version (1), count (u32), then per position: vehicle key (i64),
/// device id (i64, -1 for none), fix time (i64 ms), received time (i64 ms), lat, lon, altitude,
/// heading, speed (f64 each), satellites (i32), hdop, accuracy (f64, NaN for none), source (u8),
/// io count (u16), io elements (id u16, kind u8 [0 unsigned, 1 bytes], width u8 + u64 | length u16 + bytes),
/// and from version 2 named attributes: count (u16), each name (u8 length + UTF-8), kind u8
/// [0 int i64, 1 double, 2 bool u8, 3 string u16 length + UTF-8]. Version 1 payloads (no attributes) still
/// decode, so a spool written before an upgrade replays.
public enum PositionBinaryCodec {
    static let version: UInt8 = 2

    /// Why a payload could not be decoded.
    public enum DecodingError: Error, Equatable {
        case truncated
        case unknownVersion(UInt8)
        case badValue
    }

    public static func encode(_ positions: [Position]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(8 + positions.count * 112)
        out.append(version)
        put(UInt32(positions.count), &out)
        for p in positions {
            put(UInt64(bitPattern: p.vehicleKey), &out)
            put(UInt64(bitPattern: p.deviceID ?? -1), &out)
            put(UInt64(bitPattern: p.fixTime), &out)
            put(UInt64(bitPattern: p.receivedTime), &out)
            for d in [p.latitude, p.longitude, p.altitude, p.heading, p.speedKmh] { put(d.bitPattern, &out) }
            put(UInt32(bitPattern: Int32(clamping: p.satellites)), &out)
            put((p.hdop ?? .nan).bitPattern, &out)
            put((p.accuracy ?? .nan).bitPattern, &out)
            out.append(p.source.rawValue)
            put(UInt16(clamping: p.io.count), &out)
            for element in p.io.prefix(Int(UInt16.max)) {
                put(element.id, &out)
                switch element.value {
                case .unsigned(let v, let width):
                    out.append(0)
                    out.append(width)
                    put(v, &out)
                case .bytes(let bytes):
                    out.append(1)
                    let n = min(bytes.count, Int(UInt16.max))
                    put(UInt16(n), &out)
                    out.append(contentsOf: bytes.prefix(n))
                }
            }
            put(UInt16(clamping: p.attributes.count), &out)
            for attribute in p.attributes.prefix(Int(UInt16.max)) {
                let name = Array(attribute.name.utf8.prefix(255))
                out.append(UInt8(name.count))
                out.append(contentsOf: name)
                switch attribute.value {
                case .int(let v):
                    out.append(0)
                    put(UInt64(bitPattern: v), &out)
                case .double(let v):
                    out.append(1)
                    put(v.bitPattern, &out)
                case .bool(let v):
                    out.append(2)
                    out.append(v ? 1 : 0)
                case .string(let text):
                    out.append(3)
                    let utf8 = Array(text.utf8.prefix(Int(UInt16.max)))
                    put(UInt16(utf8.count), &out)
                    out.append(contentsOf: utf8)
                }
            }
        }
        return out
    }

    public static func decode(_ bytes: [UInt8]) throws(DecodingError) -> [Position] {
        var reader = Reader(bytes: bytes)
        let v = try reader.u8()
        guard v == 1 || v == version else { throw .unknownVersion(v) }
        let count = Int(try reader.u32())
        // Each position takes at least 94 bytes: refuse a count the payload cannot hold.
        guard count <= bytes.count / 94 + 1 else { throw .badValue }
        var positions: [Position] = []
        positions.reserveCapacity(count)
        for _ in 0..<count {
            let vehicleKey = Int64(bitPattern: try reader.u64())
            let device = Int64(bitPattern: try reader.u64())
            let fixTime = Int64(bitPattern: try reader.u64())
            let received = Int64(bitPattern: try reader.u64())
            let lat = Double(bitPattern: try reader.u64())
            let lon = Double(bitPattern: try reader.u64())
            let alt = Double(bitPattern: try reader.u64())
            let heading = Double(bitPattern: try reader.u64())
            let speed = Double(bitPattern: try reader.u64())
            let sats = Int(Int32(bitPattern: try reader.u32()))
            let hdop = Double(bitPattern: try reader.u64())
            let accuracy = Double(bitPattern: try reader.u64())
            guard let source = PositionSource(rawValue: try reader.u8()) else { throw .badValue }
            let ioCount = Int(try reader.u16())
            var io: [IOElement] = []
            io.reserveCapacity(min(ioCount, 256))
            for _ in 0..<ioCount {
                let id = try reader.u16()
                switch try reader.u8() {
                case 0:
                    let width = try reader.u8()
                    io.append(IOElement(id: id, value: .unsigned(try reader.u64(), width: width)))
                case 1:
                    let n = Int(try reader.u16())
                    io.append(IOElement(id: id, value: .bytes(try reader.bytes(n))))
                default:
                    throw .badValue
                }
            }
            var attributes: [DeviceAttribute] = []
            if v >= 2 {
                let attributeCount = Int(try reader.u16())
                attributes.reserveCapacity(min(attributeCount, 64))
                for _ in 0..<attributeCount {
                    let name = String(decoding: try reader.bytes(Int(try reader.u8())), as: UTF8.self)
                    let value: AttributeValue
                    switch try reader.u8() {
                    case 0: value = .int(Int64(bitPattern: try reader.u64()))
                    case 1: value = .double(Double(bitPattern: try reader.u64()))
                    case 2: value = .bool(try reader.u8() != 0)
                    case 3: value = .string(String(decoding: try reader.bytes(Int(try reader.u16())), as: UTF8.self))
                    default: throw .badValue
                    }
                    attributes.append(DeviceAttribute(name, value))
                }
            }
            positions.append(
                Position(
                    vehicleKey: vehicleKey, deviceID: device < 0 ? nil : device, fixTime: fixTime, receivedTime: received,
                    latitude: lat, longitude: lon, altitude: alt, heading: heading, speedKmh: speed, satellites: sats,
                    hdop: hdop.isNaN ? nil : hdop, accuracy: accuracy.isNaN ? nil : accuracy, source: source, io: io, attributes: attributes))
        }
        return positions
    }

    @inline(__always)
    static func put<T: FixedWidthInteger>(_ value: T, _ out: inout [UInt8]) {
        var v = value.littleEndian
        withUnsafeBytes(of: &v) { out.append(contentsOf: $0) }
    }

    struct Reader {
        let bytes: [UInt8]
        var index = 0

        mutating func u8() throws(DecodingError) -> UInt8 {
            guard index < bytes.count else { throw .truncated }
            defer { index += 1 }
            return bytes[index]
        }

        mutating func fixed<T: FixedWidthInteger>(_: T.Type) throws(DecodingError) -> T {
            let size = MemoryLayout<T>.size
            guard index + size <= bytes.count else { throw .truncated }
            var v: T = 0
            for k in 0..<size { v |= T(bytes[index + k]) << (8 * k) }
            index += size
            return v
        }

        mutating func u16() throws(DecodingError) -> UInt16 { try fixed(UInt16.self) }
        mutating func u32() throws(DecodingError) -> UInt32 { try fixed(UInt32.self) }
        mutating func u64() throws(DecodingError) -> UInt64 { try fixed(UInt64.self) }

        mutating func bytes(_ n: Int) throws(DecodingError) -> [UInt8] {
            guard n >= 0, index + n <= bytes.count else { throw .truncated }
            defer { index += n }
            return Array(bytes[index..<(index + n)])
        }
    }
}
