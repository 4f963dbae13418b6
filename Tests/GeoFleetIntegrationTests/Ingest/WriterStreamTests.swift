import Foundation
import GeoFleetCore
import GeoFleetIngest
import GeoFleetPlatform
import GeoFleetPostGIS
import GeoFleetProtocols
import GeoFleetSpool
import GeoFleetTestSupport
import NIOPosix
import PostgresNIO
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Parallel writer streams: each commits on its own, the spool waits for the slowest, and a crash
/// or a killed backend on one stream still leaves every acknowledged position stored exactly once.
@Suite("Writer streams", .serialized)
struct WriterStreamTests {
    static let log = testLogger("streams")

    /// The first `count` vehicle keys from 1 that go to `stream` of `streams`.
    static func keys(for stream: Int, of streams: Int, count: Int) -> [Int64] {
        Array((Int64(1)...).lazy.filter { WriterStreams.stream(forVehicle: $0, count: streams) == stream }.prefix(count))
    }

    @Test("vehicles spread evenly and always to the same stream; a record is committed at or below its stream's watermark")
    func layout() {
        var counts = [0, 0, 0]
        for key in Int64(1)...30_000 { counts[WriterStreams.stream(forVehicle: key, count: 3)] += 1 }
        #expect(counts.allSatisfy { (9_500...10_500).contains($0) })
        #expect(WriterStreams.stream(forVehicle: 42, count: 3) == WriterStreams.stream(forVehicle: 42, count: 3))
        #expect(WriterStreams.stream(forVehicle: .min, count: 1) == 0)
        let layout = WriterStreams(watermarks: [10, 4])
        #expect(layout.committedThrough == 4)
        let zero = Self.keys(for: 0, of: 2, count: 1)[0]
        let one = Self.keys(for: 1, of: 2, count: 1)[0]
        #expect(layout.isCommitted(sequence: 10, vehicle: zero) && !layout.isCommitted(sequence: 11, vehicle: zero))
        #expect(layout.isCommitted(sequence: 4, vehicle: one) && !layout.isCommitted(sequence: 5, vehicle: one))
    }

    static func watermark(_ stream: Int, _ admin: PostgresConnection) async throws -> Int64 {
        for try await n in try await admin.query("SELECT sequence FROM ingest_watermark WHERE stream = \(stream)", logger: log).decode(Int64.self) {
            return n
        }
        return -1
    }

    static func int(_ sql: String, _ admin: PostgresConnection) async throws -> Int64 {
        for try await n in try await admin.query(PostgresQuery(unsafeSQL: sql), logger: log).decode(Int64.self) { return n }
        return -1
    }

    static func waitUntil(_ timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }

    @Test("a stream stalled on its watermark lock does not stop the other from committing, and the spool keeps what the stalled one holds")
    func stalledStream() async throws {
        let endpoint = try await TestPostgres.shared.freshDatabase()
        let admin = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: endpoint.connectionConfiguration, id: 1, logger: Self.log)
        let locker = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: endpoint.connectionConfiguration, id: 2, logger: Self.log)
        let directory = try TemporaryDirectory(prefix: "geofleet-streams")
        let writers = (0..<2).map {
            HistoryWriter(stream: $0, endpoint: endpoint, scheme: .daily, writeTimeout: .seconds(2), logger: testLogger("writer"))
        }
        do {
            _ = try await Migrations.migrate(admin, logger: Self.log)
            try await admin.query("INSERT INTO ingest_watermark (stream, sequence) VALUES (1, 0)", logger: Self.log)
            let spool = try Spool(configuration: SpoolConfiguration(directory: directory.path), sequencesAfter: 0, logger: Self.log)
            let queue = HistoryQueue(writers: writers, spool: spool, committed: 0, maxRows: 4, maxDelay: .milliseconds(10), logger: Self.log)
            queue.replayFinished()
            let stalledKey = Self.keys(for: 0, of: 2, count: 1)[0]
            let movingKeys = Self.keys(for: 1, of: 2, count: 3)

            // Stream 0's watermark row is locked by another session, as a long transaction would.
            try await locker.query("BEGIN", logger: Self.log)
            try await locker.query("SELECT sequence FROM ingest_watermark WHERE stream = 0 FOR UPDATE", logger: Self.log)
            let base = WallClock.nowMilliseconds() - 3_600_000
            var lastMoving: UInt64 = 0
            var lastStalled: UInt64 = 0
            for i in 0..<30 {
                let key = i % 3 == 0 ? stalledKey : movingKeys[i % 3]
                let rows = [
                    Position(vehicleKey: key, deviceID: nil, fixTime: base + Int64(i) * 1000, receivedTime: base, latitude: 44.4, longitude: 26.1)
                ]
                let sequence = try await spool.append(PositionBinaryCodec.encode(rows))
                queue.enqueue(SequencedPositions(sequence: sequence, positions: rows))
                if key == stalledKey { lastStalled = sequence } else { lastMoving = sequence }
            }
            let run = Task { try await queue.run() }
            let moved = try await Self.waitUntil { try await Self.watermark(1, admin) == Int64(lastMoving) }
            #expect(moved, "stream 1 committed while stream 0 waited")
            #expect(try await Self.int("SELECT count(*) FROM positions WHERE vehicle_key <> \(stalledKey)", admin) == 20)
            #expect(try await Self.int("SELECT count(*) FROM positions WHERE vehicle_key = \(stalledKey)", admin) == 0)
            // Sequence 1 is stream 0's: nothing may be released while it is not committed.
            try await Task.sleep(for: .milliseconds(300))
            #expect(try spool.records(after: 0).first?.sequence == 1)
            #expect(try spool.records(after: 0).count == 30)

            try await locker.query("ROLLBACK", logger: Self.log)
            let caughtUp = try await Self.waitUntil { try await Self.watermark(0, admin) == Int64(lastStalled) }
            #expect(caughtUp)
            #expect(try await Self.int("SELECT count(*) FROM positions", admin) == 30)
            #expect(try await Self.waitUntil(.seconds(5)) { spool.pendingBytes == 0 })
            queue.finish()
            try await run.value
            spool.close()
        } catch {
            Issue.record(error)
        }
        for writer in writers { await writer.close() }
        try? await locker.close()
        try? await admin.close()
    }

    /// Sends `frames` frames of `perFrame` records from one device, recording every acknowledged fix time.
    static func send(
        imei: String, port: Int, frames: Int, perFrame: Int, base: Int64, acknowledged: TimesAcknowledged
    ) async {
        guard let device = try? await TestDeviceClient.connect(port: port) else { return }
        do {
            try await device.send(Teltonika.encodeIMEI(imei))
            guard try await device.read(1) == [0x01] else { throw HarnessError("IMEI refused") }
            for f in 0..<frames {
                let records = (0..<perFrame).map { r -> (time: Int64, lat: Double, lon: Double) in
                    let i = Int64(f * perFrame + r)
                    return (base + i * 1000, 45.0 + Double(i) * 0.0001, 25.0 + Double(i) * 0.0001)
                }
                try await device.send(FrameFactory.codec8(records: records))
                guard FrameFactory.ackCount(try await device.read(4, timeout: .seconds(20))) == perFrame else { break }
                acknowledged.add(imei: imei, times: records.map(\.time))
            }
        } catch {
            // The daemon was killed: what was acknowledged so far is recorded.
        }
        await device.close()
    }

    /// Every acknowledged (device, fix time) is in `positions` exactly once.
    static func checkExactlyOnce(_ acknowledged: TimesAcknowledged, endpoint: DatabaseEndpoint) async throws {
        let acked = acknowledged.all
        var missing = 0
        for (imei, times) in acked {
            let stored = try await EngineHarness.count(
                """
                SELECT count(DISTINCT p.fix_time) FROM positions p JOIN vehicles v ON v.key = p.vehicle_key
                WHERE v.gps_device_id = '\(imei)'
                  AND p.fix_time = ANY(SELECT timestamptz 'epoch' + t * interval '1 millisecond' FROM unnest('{\(times.map(String.init).joined(separator: ","))}'::int8[]) t)
                """, endpoint: endpoint)
            missing += times.count - stored
        }
        #expect(missing == 0, "acknowledged positions missing after the restart")
        #expect(
            try await EngineHarness.count(
                "SELECT count(*) FROM (SELECT vehicle_key, fix_time FROM positions GROUP BY 1, 2 HAVING count(*) > 1) d", endpoint: endpoint) == 0)
    }

    @Test("kill -9 while three streams have batches in flight: after the restart every acknowledged position is stored exactly once")
    func crashDuringParallelWrites() async throws {
        let executable = try DaemonProcess.executable("geofleetd")
        let endpoint = try await TestPostgres.shared.freshDatabase()
        let dataDir = try TemporaryDirectory(prefix: "geofleet-streams-crash")
        func environment() -> [String: String] {
            [
                "GEOFLEET_DATA_DIR": dataDir.path, "GEOFLEET_DATABASE_URL": endpoint.description, "GEOFLEET_BIND": "127.0.0.1",
                "GEOFLEET_HTTP_PORT": "\(freePort())", "GEOFLEET_TELTONIKA_PORT": "\(freePort())",
                "GEOFLEET_GT06_PORT": "0", "GEOFLEET_OSMAND_PORT": "0", "GEOFLEET_RUPTELA_PORT": "0",
                "GEOFLEET_JWT_SECRET": EngineHarness.secret, "GEOFLEET_AUTO_REGISTER": "true",
                // Small batches on three streams: hundreds of them are in flight when the kill lands.
                "GEOFLEET_WRITER_STREAMS": "3", "GEOFLEET_WRITER_BATCH_ROWS": "10", "GEOFLEET_WRITER_BATCH_MS": "5",
            ]
        }
        var env = environment()
        var daemon = try DaemonProcess(executable: executable, environment: env, logPath: dataDir.path + "/geofleetd.log")
        try await DurabilityTests.waitForHealth(port: Int(env["GEOFLEET_HTTP_PORT"]!)!, daemon: daemon)
        let acknowledged = TimesAcknowledged()
        let base = WallClock.nowMilliseconds() - 3_600_000
        let port = Int(env["GEOFLEET_TELTONIKA_PORT"]!)!
        let imeis = (0..<12).map { "35209308100\(String(format: "%04d", $0))" }
        let senders = Task {
            await withTaskGroup(of: Void.self) { group in
                for imei in imeis {
                    group.addTask { await Self.send(imei: imei, port: port, frames: 80, perFrame: 5, base: base, acknowledged: acknowledged) }
                }
            }
        }
        // Kill once a good part is acknowledged: the streams are busy committing.
        _ = try await Self.waitUntil(.seconds(60)) { acknowledged.count >= 2_000 }
        let committedBefore = try await EngineHarness.count("SELECT count(*) FROM positions", endpoint: endpoint)
        await daemon.stop(signal: SIGKILL)
        await senders.value
        let acked = acknowledged.count
        #expect(acked >= 2_000)
        #expect(committedBefore < acked, "the kill should have caught positions only in the spool")

        env = environment()
        daemon = try DaemonProcess(executable: executable, environment: env, logPath: dataDir.path + "/geofleetd.log")
        try await DurabilityTests.waitForHealth(port: Int(env["GEOFLEET_HTTP_PORT"]!)!, daemon: daemon)
        // Everything the spool held is committed once the streams' watermarks pass the spool's last record.
        let drained = try await Self.waitUntil(.seconds(60)) {
            try await EngineHarness.count("SELECT count(*) FROM positions", endpoint: endpoint) >= acked
        }
        #expect(drained)
        try await Task.sleep(for: .seconds(1))
        try await Self.checkExactlyOnce(acknowledged, endpoint: endpoint)
        #expect(try await EngineHarness.count("SELECT count(*) FROM ingest_watermark WHERE sequence > 0", endpoint: endpoint) == 3)
        await daemon.stop(signal: SIGTERM)
    }

    @Test("one stream's backend killed again and again mid-transaction: the other streams commit meanwhile, nothing is lost or doubled")
    func backendKilledOnOneStream() async throws {
        let harness = try await EngineHarness.start(tweak: {
            $0.writer.streams = 3
            $0.writer.batchRows = 20
            $0.writer.batchDelay = .milliseconds(5)
            $0.devices.autoRegister = true
        })
        let acknowledged = TimesAcknowledged()
        let base = WallClock.nowMilliseconds() - 3_600_000
        let port = harness.devicePort
        let imeis = (0..<9).map { "35209308200\(String(format: "%04d", $0))" }
        let senders = Task {
            await withTaskGroup(of: Void.self) { group in
                for imei in imeis {
                    group.addTask { await Self.send(imei: imei, port: port, frames: 60, perFrame: 5, base: base, acknowledged: acknowledged) }
                }
            }
        }
        // Terminate stream 1's backend whenever it is inside a transaction, until the senders are done.
        var kills = 0
        var othersMovedMeanwhile = false
        let before = try await harness.count("SELECT coalesce(sum(sequence), 0)::int8 FROM ingest_watermark WHERE stream <> 1")
        while acknowledged.count < imeis.count * 300 && kills < 200 {
            kills += try await harness.count(
                """
                SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE application_name = 'geofleet-writer-1' AND state IN ('active', 'idle in transaction')) k
                """)
            try await Task.sleep(for: .milliseconds(15))
        }
        othersMovedMeanwhile = try await harness.count("SELECT coalesce(sum(sequence), 0)::int8 FROM ingest_watermark WHERE stream <> 1") > before
        await senders.value
        let acked = acknowledged.count
        #expect(acked == imeis.count * 300)
        #expect(kills >= 1, "stream 1's backend was caught inside a transaction")
        #expect(othersMovedMeanwhile)
        _ = try await harness.waitForCount("SELECT count(*) FROM positions", equals: acked, timeout: .seconds(60))
        try await Self.checkExactlyOnce(acknowledged, endpoint: harness.endpoint)
        try await harness.stop()
    }
}

extension WriterStreamTests {
    /// Appends `positions` to the engine's spool while it is stopped, as if acknowledged just before a crash.
    static func appendBehindTheEngine(_ positions: [Position], dataDirectory: String, endpoint: DatabaseEndpoint) async throws {
        let above = try await EngineHarness.count("SELECT max(sequence) FROM ingest_watermark", endpoint: endpoint)
        let spool = try Spool(
            configuration: SpoolConfiguration(directory: dataDirectory + "/spool"), sequencesAfter: UInt64(above), logger: log)
        _ = try await spool.append(PositionBinaryCodec.encode(positions))
        spool.close()
    }

    @Test("a new stream count waits for a start with nothing uncommitted; then every stream starts from the same point")
    func streamCountChange() async throws {
        let endpoint = try await TestPostgres.shared.freshDatabase()
        let dataDirectory = try TemporaryDirectory(prefix: "geofleet-relayout")
        let base = WallClock.nowMilliseconds() - 3_600_000
        func start(streams: Int) async throws -> EngineHarness {
            try await EngineHarness.start(endpoint: endpoint, dataDirectory: dataDirectory.path, tweak: { $0.writer.streams = streams })
        }
        func streamRows() async throws -> Int { try await EngineHarness.count("SELECT count(*) FROM ingest_watermark", endpoint: endpoint) }
        func position(_ key: Int64, _ i: Int64) -> Position {
            Position(vehicleKey: key, deviceID: nil, fixTime: base + i * 1000, receivedTime: base, latitude: 44.4, longitude: 26.1)
        }

        // One stream commits; then a position is left uncommitted in its spool.
        var harness = try await start(streams: 1)
        try await harness.stop()
        #expect(try await streamRows() == 1)
        try await Self.appendBehindTheEngine((0..<4).map { position(7, $0) }, dataDirectory: dataDirectory.path, endpoint: endpoint)

        // Three streams wanted, but the spool holds positions written for one: this run keeps one.
        harness = try await start(streams: 3)
        #expect(harness.engine.replayedPositions == 4)
        #expect(try await harness.waitForCount("SELECT count(*) FROM positions", equals: 4) == 4)
        #expect(try await streamRows() == 1)
        try await harness.stop()

        // Stopped cleanly, nothing uncommitted: three streams, all at the same watermark.
        harness = try await start(streams: 3)
        #expect(harness.engine.replayedPositions == 0)
        #expect(try await streamRows() == 3)
        #expect(try await harness.count("SELECT count(DISTINCT sequence) FROM ingest_watermark") == 1)
        try await harness.stop()

        // Positions of vehicles on every stream, left in the spool: replayed into three streams, once each.
        let keys = (0..<3).flatMap { Self.keys(for: $0, of: 3, count: 2) }
        try await Self.appendBehindTheEngine(
            keys.enumerated().map { position($0.element, 100 + Int64($0.offset)) }, dataDirectory: dataDirectory.path, endpoint: endpoint)
        harness = try await start(streams: 3)
        #expect(harness.engine.replayedPositions == keys.count)
        #expect(try await harness.waitForCount("SELECT count(*) FROM positions", equals: 4 + keys.count) == 4 + keys.count)
        #expect(try await harness.count("SELECT count(*) FROM ingest_watermark WHERE sequence = (SELECT max(sequence) FROM ingest_watermark)") == 3)
        try await harness.stop()
        harness = try await start(streams: 3)
        #expect(harness.engine.replayedPositions == 0)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await harness.count("SELECT count(*) FROM positions") == 4 + keys.count)
        try await harness.stop()
    }
}

/// Fix times acknowledged per device, shared by the sending tasks.
final class TimesAcknowledged: Sendable {
    private let state = Mutex<[String: [Int64]]>([:])

    func add(imei: String, times: [Int64]) { state.withLock { $0[imei, default: []] += times } }
    var count: Int { state.withLock { $0.values.reduce(0) { $0 + $1.count } } }
    var all: [String: [Int64]] { state.withLock { $0 } }
}
