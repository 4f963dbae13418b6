import Foundation
import GeoFleetCore
import GeoFleetIngest
import GeoFleetPlatform
import GeoFleetPostGIS
import GeoFleetSpool
import GeoFleetTestSupport
import NIOPosix
import PostgresNIO
import Testing

/// An acknowledged position is never lost to the queue's bookkeeping: a batch
/// failing at shutdown stops the queue before anything later commits, and a sequence is skipped only
/// when the spool's replay showed it does not exist.
@Suite("History queue: failed batches and gaps", .serialized)
struct HistoryQueueShutdownTests {
    static let log = testLogger("queue")

    /// A migrated database, its admin connection, a writer, and a spool directory of the test's own.
    struct Setup {
        let endpoint: DatabaseEndpoint
        let admin: PostgresConnection
        let writer: HistoryWriter
        let directory: String

        static func make() async throws -> Setup {
            let endpoint = try await TestPostgres.shared.freshDatabase()
            let admin = try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: endpoint.connectionConfiguration, id: 1, logger: log)
            do {
                _ = try await Migrations.migrate(admin, logger: log)
            } catch {
                try? await admin.close()
                throw error
            }
            let writer = HistoryWriter(endpoint: endpoint, scheme: .daily, writeTimeout: .seconds(30), logger: testLogger("writer"))
            let directory = FileManager.default.temporaryDirectory.path + "/geofleet-queue-\(UUIDString.random())"
            return Setup(endpoint: endpoint, admin: admin, writer: writer, directory: directory)
        }

        func spool(after committed: UInt64) throws -> Spool {
            try Spool(configuration: SpoolConfiguration(directory: directory), sequencesAfter: committed, logger: log)
        }

        func int(_ sql: String) async throws -> Int64 {
            for try await n in try await admin.query(PostgresQuery(unsafeSQL: sql), logger: log).decode(Int64.self) { return n }
            return -1
        }

        func watermark() async throws -> Int64 { try await int("SELECT sequence FROM ingest_watermark WHERE stream = 0") }

        func waitForWatermark(_ target: Int64) async throws {
            let deadline = ContinuousClock.now + .seconds(30)
            while try await watermark() < target, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        }

        func tearDown() async {
            await writer.close()
            try? await admin.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    static func positions(_ vehicle: Int64, at time: Int64) -> [Position] {
        [Position(vehicleKey: vehicle, deviceID: nil, fixTime: time, receivedTime: time, latitude: 44.4, longitude: 26.1)]
    }

    @Test("a batch that keeps failing at shutdown stops the queue: nothing after it commits, the spool keeps it, the next start commits it")
    func failedBatchAtShutdownStaysInSpool() async throws {
        let setup = try await Setup.make()
        do {
            // A failure that is not the rows' fault (SQLSTATE 58000): retried, never dead-lettered.
            try await setup.admin.query(
                """
                CREATE FUNCTION outage() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN IF NEW.vehicle_key = 666 THEN RAISE EXCEPTION 'storage outage' USING ERRCODE = '58000'; END IF; RETURN NEW; END $$
                """, logger: Self.log)
            try await setup.admin.query(
                "CREATE TRIGGER outage BEFORE INSERT ON positions FOR EACH ROW EXECUTE FUNCTION outage()", logger: Self.log)
            let base = WallClock.nowMilliseconds() - 3_600_000
            let spool = try setup.spool(after: 0)
            // One sequence a batch, so a later batch could commit on its own.
            let queue = HistoryQueue(writer: setup.writer, spool: spool, committed: 0, maxRows: 1, maxDelay: .milliseconds(10), logger: Self.log)
            queue.replayFinished()
            for (i, vehicle) in [Int64(1), 666, 2].enumerated() {
                let rows = Self.positions(vehicle, at: base + Int64(i) * 1000)
                queue.enqueue(SequencedPositions(sequence: try await spool.append(PositionBinaryCodec.encode(rows)), positions: rows))
            }
            let run = Task { try await queue.run() }
            try await setup.waitForWatermark(1)
            // Sequence 2 is failing and being retried; then the daemon is asked to stop.
            try await Task.sleep(for: .milliseconds(400))
            queue.finish()
            try await run.value

            #expect(try await setup.watermark() == 1)
            #expect(try await setup.int("SELECT count(*) FROM positions WHERE vehicle_key = 2") == 0)
            #expect(try spool.records(after: 1).map(\.sequence) == [2, 3])
            spool.close()

            // The next start: the outage is over; replay finds sequences 2 and 3 and commits them.
            try await setup.admin.query("DROP TRIGGER outage ON positions", logger: Self.log)
            let committed = try await setup.writer.committedSequence()
            #expect(committed == 1)
            let reopened = try setup.spool(after: committed)
            let next = HistoryQueue(writer: setup.writer, spool: reopened, committed: committed, maxDelay: .milliseconds(10), logger: Self.log)
            for record in try reopened.records(after: committed) {
                next.enqueue(SequencedPositions(sequence: record.sequence, positions: try PositionBinaryCodec.decode(record.payload)))
            }
            next.replayFinished()
            let rerun = Task { try await next.run() }
            try await setup.waitForWatermark(3)
            next.finish()
            try await rerun.value
            #expect(try await setup.watermark() == 3)
            #expect(try await setup.int("SELECT count(*) FROM positions") == 3)
            #expect(try await setup.int("SELECT count(*) FROM positions WHERE vehicle_key = 666") == 1)
            reopened.close()
        } catch {
            Issue.record(error)
        }
        await setup.tearDown()
    }

    @Test("a sequence appended but enqueued late is waited for, not skipped and then lost")
    func lateSequenceIsWaitedFor() async throws {
        let setup = try await Setup.make()
        do {
            let base = WallClock.nowMilliseconds() - 3_600_000
            let spool = try setup.spool(after: 0)
            let queue = HistoryQueue(
                writer: setup.writer, spool: spool, committed: 0, maxDelay: .milliseconds(10),
                gapWarning: .milliseconds(50), logger: Self.log)
            queue.replayFinished()
            var appended: [SequencedPositions] = []
            for i in 0..<3 {
                let rows = Self.positions(Int64(i + 1), at: base + Int64(i) * 1000)
                appended.append(SequencedPositions(sequence: try await spool.append(PositionBinaryCodec.encode(rows)), positions: rows))
            }
            #expect(appended.map(\.sequence) == [1, 2, 3])
            // Sequence 1's task is descheduled between its append and its enqueue; 2 and 3 arrive.
            queue.enqueue(appended[1])
            queue.enqueue(appended[2])
            let run = Task { try await queue.run() }
            try await Task.sleep(for: .seconds(1))
            #expect(try await setup.watermark() == 0)
            #expect(try await setup.int("SELECT count(*) FROM positions") == 0)
            queue.enqueue(appended[0])
            try await setup.waitForWatermark(3)
            queue.finish()
            try await run.value
            #expect(try await setup.watermark() == 3)
            #expect(try await setup.int("SELECT count(*) FROM positions") == 3)
            #expect(spool.pendingBytes == 0)
            spool.close()
        } catch {
            Issue.record(error)
        }
        await setup.tearDown()
    }

    @Test("a record that failed its checksum at replay is passed over once the replay is done")
    func damagedRecordIsPassedOver() async throws {
        let setup = try await Setup.make()
        do {
            let base = WallClock.nowMilliseconds() - 3_600_000
            var spool = try setup.spool(after: 0)
            var sizes: [Int] = []
            for i in 0..<3 {
                let payload = PositionBinaryCodec.encode(Self.positions(Int64(i + 1), at: base + Int64(i) * 1000))
                sizes.append(payload.count)
                _ = try await spool.append(payload)
            }
            spool.close()
            // Flip a byte in the second record's payload (RecordCodec: 16-byte header, payload, 4-byte CRC).
            let segment = try #require(try FileManager.default.contentsOfDirectory(atPath: setup.directory).sorted().first)
            let path = setup.directory + "/" + segment
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            bytes[20 + sizes[0] + 16 + 3] ^= 0xFF
            try Data(bytes).write(to: URL(fileURLWithPath: path))

            spool = try setup.spool(after: 0)
            #expect(spool.recoveredThrough == 3)
            let queue = HistoryQueue(writer: setup.writer, spool: spool, committed: 0, maxDelay: .milliseconds(10), logger: Self.log)
            let records = try spool.records(after: 0)
            #expect(records.map(\.sequence) == [1, 3])
            for record in records {
                queue.enqueue(SequencedPositions(sequence: record.sequence, positions: try PositionBinaryCodec.decode(record.payload)))
            }
            let run = Task { try await queue.run() }
            // Before the replay is declared done, sequence 1 commits and the gap holds the queue.
            try await setup.waitForWatermark(1)
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await setup.watermark() == 1)
            queue.replayFinished()
            try await setup.waitForWatermark(3)
            queue.finish()
            try await run.value
            #expect(try await setup.watermark() == 3)
            #expect(try await setup.int("SELECT count(*) FROM positions") == 2)
            spool.close()
        } catch {
            Issue.record(error)
        }
        await setup.tearDown()
    }
}
