import Foundation
import GeoFleetCore
import GeoFleetPlatform
import GeoFleetPostGIS
import GeoFleetTestSupport
import NIOPosix
import PostgresNIO
import Testing

/// The history writer never waits forever on PostgreSQL: a stalled batch times out and drops its
/// connection, a backend killed mid-COPY fails the batch, and either way the retry commits it once.
@Suite("History writer deadline", .serialized)
struct HistoryWriterDeadlineTests {
    static func connect(_ endpoint: DatabaseEndpoint) async throws -> PostgresConnection {
        try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: endpoint.connectionConfiguration,
            id: 99, logger: testLogger("deadline"))
    }

    static func batch(sequence: UInt64, rows: Int) -> SequencedPositions {
        let base = WallClock.nowMilliseconds() - 3_600_000
        var positions: [Position] = []
        positions.reserveCapacity(rows)
        for i in 0..<rows {
            let time: Int64 = base + Int64(i)
            let latitude: Double = 44.4 + Double(i % 1000) * 1e-5
            positions.append(
                Position(
                    vehicleKey: Int64(i % 50) + 1, deviceID: nil, fixTime: time, receivedTime: time,
                    latitude: latitude, longitude: 26.1, speedKmh: 50))
        }
        return SequencedPositions(sequence: sequence, positions: positions)
    }

    static func count(_ connection: PostgresConnection) async throws -> Int {
        for try await n in try await connection.query("SELECT count(*)::int8 FROM positions", logger: testLogger("deadline")).decode(Int64.self) {
            return Int(n)
        }
        return -1
    }

    @Test("a batch stalled on a lock times out, and the retry after the stall commits it once")
    func stalledBatchTimesOut() async throws {
        let endpoint = try await TestPostgres.shared.freshDatabase()
        let admin = try await Self.connect(endpoint)
        _ = try await Migrations.migrate(admin, logger: testLogger("deadline"))
        // 5 s: the retry below must fit in it with the whole suite running on two cores.
        let writer = HistoryWriter(endpoint: endpoint, scheme: .daily, writeTimeout: .seconds(5), logger: testLogger("writer"))
        let batch = Self.batch(sequence: 1, rows: 100)

        // Another session holds the watermark row's table: the writer's SELECT ... FOR UPDATE waits.
        try await admin.query("BEGIN", logger: testLogger("deadline"))
        try await admin.query("LOCK TABLE ingest_watermark IN ACCESS EXCLUSIVE MODE", logger: testLogger("deadline"))
        let started = ContinuousClock.now
        await #expect(throws: HistoryWriteTimeout.self) { try await writer.write([batch]) }
        let waited = ContinuousClock.now - started
        #expect(waited >= .seconds(5) && waited < .seconds(30))
        try await admin.query("ROLLBACK", logger: testLogger("deadline"))

        // Bound first: #expect would reflect the writer actor from outside its isolation.
        let committed1 = try await writer.write([batch])
        #expect(committed1 == 1)
        #expect(try await Self.count(admin) == 100)
        // The abandoned attempt may still wake up once its lock wait ends: it must not add rows.
        try await Task.sleep(for: .milliseconds(500))
        // Bound first: #expect would reflect the writer actor from outside its isolation.
        let committed2 = try await writer.write([batch])
        #expect(committed2 == 1)
        #expect(try await Self.count(admin) == 100)
        await writer.close()
        try await admin.close()
    }

    /// Backends of this database other than the caller's own.
    static func otherBackends(_ connection: PostgresConnection) async throws -> Int {
        // Activity is read once per transaction and the caller may be inside one (holding a lock).
        try await connection.query("SELECT pg_stat_clear_snapshot()", logger: testLogger("deadline"))
        for try await n in try await connection.query(
            """
            SELECT count(*)::int8 FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
            """, logger: testLogger("deadline")
        ).decode(Int64.self) {
            return Int(n)
        }
        return -1
    }

    /// Polls until no other backend is left (or 30 s passed); returns the last count.
    static func waitForNoOtherBackend(_ connection: PostgresConnection) async throws -> Int {
        let deadline = ContinuousClock.now + .seconds(30)
        var count = try await otherBackends(connection)
        while count > 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            count = try await otherBackends(connection)
        }
        return count
    }

    @Test("batches timed out again and again close every connection they drop, here and on the server")
    func repeatedTimeoutsLeaveNoConnection() async throws {
        let endpoint = try await TestPostgres.shared.freshDatabase()
        let admin = try await Self.connect(endpoint)
        // 3 s, not less: with the whole suite running on two cores a connect alone can take a second.
        let writer = HistoryWriter(endpoint: endpoint, scheme: .daily, writeTimeout: .seconds(3), logger: testLogger("writer"))
        do {
            _ = try await Migrations.migrate(admin, logger: testLogger("deadline"))
            let batch = Self.batch(sequence: 1, rows: 100)
            try await admin.query("BEGIN", logger: testLogger("deadline"))
            try await admin.query("LOCK TABLE ingest_watermark IN ACCESS EXCLUSIVE MODE", logger: testLogger("deadline"))
            for _ in 1...5 {
                await #expect(throws: HistoryWriteTimeout.self) { try await writer.write([batch]) }
                // The dropped connection's backend, stuck waiting for the lock, must go too: the
                // server notices the closed socket while the lock is still held.
                #expect(try await Self.waitForNoOtherBackend(admin) == 0)
            }
            try await admin.query("ROLLBACK", logger: testLogger("deadline"))
            // Bound first: #expect would reflect the writer actor from outside its isolation.
            let committed3 = try await writer.write([batch])
            #expect(committed3 == 1)
            #expect(try await Self.count(admin) == 100)
            #expect(try await Self.otherBackends(admin) == 1)
            await writer.close()
            #expect(try await Self.waitForNoOtherBackend(admin) == 0)
        } catch {
            Issue.record(error)
            await writer.close()
        }
        try await admin.close()
    }

    @Test("a backend killed in the middle of a COPY fails that batch; the retry commits it exactly once")
    func backendKilledMidCopy() async throws {
        let endpoint = try await TestPostgres.shared.freshDatabase()
        let admin = try await Self.connect(endpoint)
        _ = try await Migrations.migrate(admin, logger: testLogger("deadline"))
        let writer = HistoryWriter(endpoint: endpoint, scheme: .daily, writeTimeout: .seconds(60), logger: testLogger("writer"))
        let rows = 300_000
        let batch = Self.batch(sequence: 7, rows: rows)

        let write = Task { try await writer.write([batch]) }
        // Wait for the COPY to be running, then kill its backend.
        var killed = false
        let deadline = ContinuousClock.now + .seconds(30)
        while !killed && ContinuousClock.now < deadline {
            for try await ok in try await admin.query(
                """
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE datname = current_database() AND query LIKE 'COPY%' AND state = 'active'
                """, logger: testLogger("deadline")
            ).decode(Bool.self) {
                killed = killed || ok
            }
            if !killed { try await Task.sleep(for: .milliseconds(5)) }
        }
        let first = await write.result
        if killed {
            #expect(throws: (any Error).self) { try first.get() }
            #expect(try await Self.count(admin) == 0)
        }
        // Killed or (on a machine fast enough to finish the COPY first) not, the retry ends with one copy.
        // Bound first: #expect would reflect the writer actor from outside its isolation.
        let committed4 = try await writer.write([batch])
        #expect(committed4 == 7)
        #expect(try await Self.count(admin) == rows)
        await writer.close()
        try await admin.close()
    }
}
