import Foundation
import GeoFleetCore
import GeoFleetLibPQ
import GeoFleetPlatform
import GeoFleetPostGIS
import GeoFleetTestSupport
import NIOPosix
import PostgresNIO
import Testing

/// The binary COPY encoder against a real PostgreSQL: random and extreme positions go in through
/// libpq, come back out of `COPY … TO STDOUT (FORMAT binary)`, and every field is what the position held.
@Suite("Position binary COPY", .serialized)
struct PositionBinaryCopyTests {
    static let log = testLogger("binary-copy")
    static let selectColumns = PositionBinaryCopy.columns.map { $0 == "attributes" ? "attributes::text" : $0 }.joined(separator: ", ")

    /// Copies `positions` in through the encoder and returns the rows PostgreSQL gives back, ordered
    /// by vehicle key, each as its fields' binary values (nil for NULL), attributes as text.
    static func roundTrip(_ positions: [Position]) async throws -> [[[UInt8]?]] {
        let endpoint = try await TestPostgres.shared.freshDatabase()
        let admin = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: endpoint.connectionConfiguration, id: 1, logger: log)
        defer { Task { try? await admin.close() } }
        _ = try await Migrations.migrate(admin, logger: log)
        let parameters = endpoint.libpqParameters(applicationName: "binary-copy-test")
        let output = try await Blocking.onOwnThread {
            let connection = try LibPQConnection(parameters: parameters, deadline: .now + .seconds(30))
            let copied = try connection.copyIn(
                PositionBinaryCopy.copyStatement, data: PositionBinaryCopy.stream(positions), deadline: .now + .seconds(60))
            #expect(copied == positions.count)
            var bytes: [UInt8] = []
            try connection.copyOut(
                "COPY (SELECT \(selectColumns) FROM positions ORDER BY vehicle_key) TO STDOUT (FORMAT binary)", idleTimeout: .seconds(60)
            ) { bytes.append(contentsOf: $0) }
            connection.close()
            return bytes
        }
        return try BinaryCopyTuples.parse(output)
    }

    /// What each field must hold, computed from the position without the encoder.
    static func check(_ row: [[UInt8]?], against p: Position) {
        #expect(row.count == 13)
        #expect(row[0].map(BinaryCopyTuples.int64) == p.vehicleKey)
        #expect(row[1].map(BinaryCopyTuples.int64) == p.deviceID)
        #expect(row[2].map(BinaryCopyTuples.int64) == p.fixTime * 1000 - 946_684_800_000_000)
        #expect(row[3].map(BinaryCopyTuples.int64) == p.receivedTime * 1000 - 946_684_800_000_000)
        // EWKB point, little-endian, SRID 4326, x = longitude, y = latitude, bit for bit.
        let geometry = row[4] ?? []
        #expect(geometry.count == 25)
        #expect(Array(geometry.prefix(9)) == [0x01, 0x01, 0x00, 0x00, 0x20, 0xE6, 0x10, 0x00, 0x00])
        if geometry.count == 25 {
            #expect(BinaryCopyTuples.littleDouble(geometry[9..<17]).bitPattern == p.longitude.bitPattern)
            #expect(BinaryCopyTuples.littleDouble(geometry[17..<25]).bitPattern == p.latitude.bitPattern)
        }
        #expect(row[5].map(BinaryCopyTuples.float32) == Float(p.speedKmh))
        #expect(row[6].map(BinaryCopyTuples.float32) == Float(p.heading))
        #expect(row[7].map(BinaryCopyTuples.float32) == Float(p.altitude))
        #expect(row[8].map(BinaryCopyTuples.int16) == Int16(clamping: p.satellites))
        #expect(row[9].map(BinaryCopyTuples.float32) == p.hdop.map { Float($0) })
        #expect(row[10].map(BinaryCopyTuples.float32) == p.accuracy.map { Float($0) })
        #expect(row[11].map { String(decoding: $0, as: UTF8.self) } == p.source.name)
        // jsonb normalises spacing and key order: compare the parsed objects.
        let stored = row[12].flatMap { try? JSONSerialization.jsonObject(with: Data($0)) } as? NSDictionary
        let sent = try? JSONSerialization.jsonObject(with: Data(AttributesJSON.object(io: p.io, named: p.attributes).utf8)) as? NSDictionary
        #expect(stored != nil && stored == sent, "attributes of vehicle \(p.vehicleKey)")
    }

    @Test("random positions come back field for field")
    func randomPositions() async throws {
        var random = SeededGenerator(seed: 0x6E0F_1EE7)
        var keys = Set<Int64>()
        var positions: [Position] = []
        while positions.count < 2_000 {
            let key = Int64.random(in: .min ... .max, using: &random)
            guard keys.insert(key).inserted else { continue }
            positions.append(PositionSamples.random(vehicleKey: key, using: &random))
        }
        let rows = try await Self.roundTrip(positions)
        #expect(rows.count == positions.count)
        for (row, p) in zip(rows, positions.sorted { $0.vehicleKey < $1.vehicleKey }) { Self.check(row, against: p) }
    }

    @Test("extremes: largest finite numbers, -0, subnormals, the widest times, empty and 1 MB attributes, NUL and quotes")
    func extremes() async throws {
        let huge = String(repeating: "ă\"\\\u{1}x", count: 1_048_576 / 7)
        let samples: [Position] = [
            Position(
                vehicleKey: .min, deviceID: .max, fixTime: -62_135_596_800_000, receivedTime: 253_402_300_799_999,
                latitude: -.greatestFiniteMagnitude, longitude: .greatestFiniteMagnitude, altitude: Double(Float.greatestFiniteMagnitude),
                heading: -Double(Float.greatestFiniteMagnitude), speedKmh: Double(Float.leastNonzeroMagnitude), satellites: 1_000_000,
                hdop: 0, accuracy: -0.0, source: .manual),
            Position(
                vehicleKey: .max, deviceID: .min, fixTime: 253_402_300_799_999, receivedTime: -62_135_596_800_000,
                latitude: -0.0, longitude: .leastNonzeroMagnitude, satellites: -1_000_000,
                attributes: [DeviceAttribute("big", .string(huge)), DeviceAttribute("nul\u{0}", .string("a\u{0}b"))]),
            Position(
                vehicleKey: 0, deviceID: nil, fixTime: 0, receivedTime: 0, latitude: 90, longitude: -180,
                io: [IOElement(id: 65_535, value: .unsigned(.max, width: 8)), IOElement(id: 0, value: .bytes([0, 0xFF]))]),
        ]
        let rows = try await Self.roundTrip(samples)
        #expect(rows.count == samples.count)
        for (row, p) in zip(rows, samples.sorted { $0.vehicleKey < $1.vehicleKey }) { Self.check(row, against: p) }
        // The 1 MB attribute arrived whole, its NULs as U+FFFD.
        let big = rows[2][12].map { String(decoding: $0, as: UTF8.self) } ?? ""
        #expect(big.utf8.count > 1_048_576)
        #expect(big.contains("a\u{FFFD}b") && big.contains("nul\u{FFFD}"))
    }

    @Test("NaN and infinity are refused with the field named; a Float overflow is infinity too")
    func nonFiniteRefused() {
        let good = Position(vehicleKey: 7, deviceID: nil, fixTime: 0, receivedTime: 0, latitude: 1, longitude: 2)
        #expect(PositionBinaryCopy.refusal(good) == nil)
        var cases: [(WritableKeyPath<Position, Double>, String, Double)] = [
            (\.latitude, "latitude", .nan), (\.longitude, "longitude", .infinity), (\.speedKmh, "speed_kmh", -.infinity),
            (\.heading, "heading", .nan), (\.altitude, "altitude", 1e39),
        ]
        cases.append((\.latitude, "latitude", -.infinity))
        for (field, name, value) in cases {
            var p = good
            p[keyPath: field] = value
            let refusal = PositionBinaryCopy.refusal(p)
            #expect(refusal?.field == name)
            #expect(refusal?.description.contains("\(name) \(value) of vehicle 7 is not a finite number") == true)
        }
        var hdop = good
        hdop.hdop = .nan
        #expect(PositionBinaryCopy.refusal(hdop)?.field == "hdop")
        var accuracy = good
        accuracy.accuracy = 3.5e38
        #expect(PositionBinaryCopy.refusal(accuracy)?.field == "accuracy")
    }
}
