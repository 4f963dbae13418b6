import Foundation
import GeoFleetCore
import GeoFleetIngest
import GeoFleetPlatform
import GeoFleetPostGIS
import GeoFleetSpool
import GeoFleetTestSupport
import NIOCore
import NIOPosix
import PostgresNIO
import Testing

/// One row PostgreSQL refuses must not stop every tenant's history: the writer
/// halves the batch down to the refused rows, sets them aside in `position_dead_letters`, commits the
/// rest and moves the watermark on.
@Suite("History dead letters", .serialized)
struct HistoryDeadLetterTests {
    static let log = testLogger("dead-letters")

    static func position(_ vehicle: Int64, _ time: Int64, attributes: [DeviceAttribute] = []) -> Position {
        Position(
            vehicleKey: vehicle, deviceID: vehicle * 10, fixTime: time, receivedTime: time + 100,
            latitude: 44.4 + Double(vehicle) * 1e-3, longitude: 26.1, speedKmh: 40, attributes: attributes)
    }

    static func int(_ sql: String, _ connection: PostgresConnection) async throws -> Int64 {
        for try await n in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: log).decode(Int64.self) { return n }
        return -1
    }

    /// A migrated database, its admin connection and a writer; both closed after `body`.
    static func withWriter(_ body: (PostgresConnection, HistoryWriter) async throws -> Void) async throws {
        let endpoint = try await TestPostgres.shared.freshDatabase()
        let admin = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: endpoint.connectionConfiguration, id: 1, logger: Self.log)
        let writer = HistoryWriter(endpoint: endpoint, scheme: .daily, writeTimeout: .seconds(30), logger: testLogger("writer"))
        do {
            _ = try await Migrations.migrate(admin, logger: Self.log)
            try await body(admin, writer)
        } catch {
            Issue.record(error)
        }
        await writer.close()
        try? await admin.close()
    }

    @Test("a refused row among good rows of two vehicles: the good rows commit, the refused one is dead-lettered, the watermark moves")
    func refusedRowIsSetAside() async throws {
        try await Self.withWriter { admin, writer in
            // A value PostgreSQL refuses whatever the encoder does: a constraint only vehicle 666 breaks (SQLSTATE 23514).
            try await admin.query("ALTER TABLE positions ADD CONSTRAINT no_666 CHECK (vehicle_key <> 666)", logger: Self.log)
            let base = WallClock.nowMilliseconds() - 3_600_000
            var first: [Position] = []
            for i in 0..<20 { first.append(Self.position(i % 2 == 0 ? 1 : 2, base + Int64(i) * 1000)) }
            let poison = Self.position(666, base + 7_500)
            first.insert(poison, at: 7)
            let second = [Self.position(2, base + 60_000), Self.position(1, base + 61_000)]

            let watermark = try await writer.write([
                SequencedPositions(sequence: 1, positions: first), SequencedPositions(sequence: 2, positions: second),
            ])
            #expect(watermark == 2)
            #expect(try await Self.int("SELECT count(*) FROM positions", admin) == 22)
            #expect(try await Self.int("SELECT count(*) FROM positions WHERE vehicle_key = 666", admin) == 0)
            #expect(try await Self.int("SELECT sequence FROM ingest_watermark WHERE stream = 0", admin) == 2)
            #expect(try await Self.int("SELECT count(*) FROM vehicle_latest WHERE vehicle_key IN (1, 2)", admin) == 2)
            #expect(try await Self.int("SELECT count(*) FROM vehicle_latest WHERE vehicle_key = 666", admin) == 0)

            var letters: [(Int64, Int64, Int64, ByteBuffer, String, String)] = []
            for try await row in try await admin.query(
                "SELECT vehicle_key, spool_sequence, fix_time_ms, record, sqlstate, error FROM position_dead_letters", logger: Self.log
            ).decode((Int64, Int64, Int64, ByteBuffer, String, String).self) {
                letters.append(row)
            }
            try #require(letters.count == 1)
            let letter = letters[0]
            #expect(letter.0 == 666 && letter.1 == 1 && letter.2 == poison.fixTime && letter.4 == "23514")
            #expect(letter.5.contains("no_666"))
            #expect(try PositionBinaryCodec.decode(Array(letter.3.readableBytesView)) == [poison])

            // The same batches again (a retry after an unknown commit outcome): skipped, no second dead letter.
            // Bound first: #expect would reflect the writer actor from outside its isolation.
            let committed1 = try await writer.write([SequencedPositions(sequence: 1, positions: first)])
            #expect(committed1 == 2)
            #expect(try await Self.int("SELECT count(*) FROM position_dead_letters", admin) == 1)
            #expect(try await Self.int("SELECT count(*) FROM positions", admin) == 22)
        }
    }

    @Test("a NaN or infinite number is refused before COPY, dead-lettered with the field named; its batch commits")
    func nonFiniteNumbersAreDeadLettered() async throws {
        try await Self.withWriter { admin, writer in
            let base = WallClock.nowMilliseconds() - 3_600_000
            var nan = Self.position(3, base + 1_000)
            nan.latitude = .nan
            var infinite = Self.position(4, base + 2_000)
            infinite.speedKmh = .infinity
            let batch = [Self.position(1, base), nan, infinite, Self.position(2, base + 3_000)]
            let watermark = try await writer.write([SequencedPositions(sequence: 5, positions: batch)])
            #expect(watermark == 5)
            #expect(try await Self.int("SELECT count(*) FROM positions", admin) == 2)
            var letters: [(Int64, String, String)] = []
            for try await row in try await admin.query(
                "SELECT vehicle_key, sqlstate, error FROM position_dead_letters ORDER BY vehicle_key", logger: Self.log
            ).decode((Int64, String, String).self) {
                letters.append(row)
            }
            #expect(letters.map(\.0) == [3, 4])
            #expect(letters.allSatisfy { $0.1 == "22000" })
            #expect(letters.first?.2.contains("latitude nan") == true)
            #expect(letters.last?.2.contains("speed_kmh inf") == true)
        }
    }

    @Test("through the queue: a refused row does not hold back the others, and the spool releases the batch")
    func queueMovesPastRefusedRow() async throws {
        let endpoint = try await TestPostgres.shared.freshDatabase()
        let admin = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: endpoint.connectionConfiguration, id: 1, logger: Self.log)
        let writer = HistoryWriter(endpoint: endpoint, scheme: .daily, writeTimeout: .seconds(30), logger: testLogger("writer"))
        let directory = FileManager.default.temporaryDirectory.path + "/geofleet-deadletter-\(UUIDString.random())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            _ = try await Migrations.migrate(admin, logger: Self.log)
            try await admin.query("ALTER TABLE positions ADD CONSTRAINT no_666 CHECK (vehicle_key <> 666)", logger: Self.log)
            let spool = try Spool(configuration: SpoolConfiguration(directory: directory), sequencesAfter: 0, logger: Self.log)
            let queue = HistoryQueue(writer: writer, spool: spool, committed: 0, maxDelay: .milliseconds(10), logger: Self.log)
            queue.replayFinished()
            let base = WallClock.nowMilliseconds() - 3_600_000
            let batches = [
                [Self.position(1, base), Self.position(1, base + 1000)],
                // A NUL from a device (OsmAnd `&note=%00`) beside a row PostgreSQL refuses.
                [Self.position(666, base + 2000), Self.position(2, base + 2000, attributes: [DeviceAttribute("note", .string("\u{0}"))])],
                [Self.position(2, base + 3000)],
            ]
            for positions in batches {
                let sequence = try await spool.append(PositionBinaryCodec.encode(positions))
                queue.enqueue(SequencedPositions(sequence: sequence, positions: positions))
            }
            let run = Task { try await queue.run() }
            let deadline = ContinuousClock.now + .seconds(30)
            while try await Self.int("SELECT sequence FROM ingest_watermark WHERE stream = 0", admin) < 3, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            queue.finish()
            try await run.value
            #expect(try await Self.int("SELECT sequence FROM ingest_watermark WHERE stream = 0", admin) == 3)
            #expect(try await Self.int("SELECT count(*) FROM positions", admin) == 4)
            #expect(try await Self.int("SELECT count(*) FROM positions WHERE attributes->>'note' = U&'\\FFFD'", admin) == 1)
            #expect(try await Self.int("SELECT count(*) FROM position_dead_letters WHERE vehicle_key = 666 AND spool_sequence = 2", admin) == 1)
            #expect(try await Self.int("SELECT count(*) FROM position_dead_letters", admin) == 1)
            #expect(spool.pendingBytes == 0)
            spool.close()
        } catch {
            Issue.record(error)
        }
        await writer.close()
        try await admin.close()
    }
}
