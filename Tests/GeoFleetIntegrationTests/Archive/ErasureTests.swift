import Foundation
import GeoFleetArchive
import GeoFleetCore
import GeoFleetPlatform
import GeoFleetPostGIS
import GeoFleetProtocols
import GeoFleetSpool
import GeoFleetTestSupport
import NIOPosix
import PostgresNIO
import Testing

/// Erasure of a vehicle's history: PostGIS, spool, hot index and archives, with the audit trail.
@Suite(.serialized) struct ErasureTests {
    static let aliceIMEI = "356307042441021"
    static let bobIMEI = "356307042441039"

    /// Sends `count` fixes a minute apart starting at `start` and waits for their ACK.
    func drive(_ harness: EngineHarness, imei: String, start: Int64, count: Int, lat: Double) async throws {
        let device = try await TestDeviceClient.connect(port: harness.devicePort)
        try await device.send(Teltonika.encodeIMEI(imei))
        #expect(try await device.read(1) == [0x01])
        let fixes = (0..<count).map { (time: start + Int64($0) * 60_000, lat: lat + Double($0) * 0.001, lon: 11.5) }
        try await device.send(FrameFactory.codec8(records: fixes))
        #expect(FrameFactory.ackCount(try await device.read(4)) == count)
        await device.close()
    }

    @Test func erasedVehicleCannotBeReadBackFromAnyStore() async throws {
        let clock = TestClock()
        let harness = try await EngineHarness.start(now: clock.closure) { $0.archive.everyHours = 0 }
        let alice = try await harness.token("user_alice")
        let bob = try await harness.token("user_bob")
        let aliceVehicle = try await harness.addVehicle(token: alice, plate: "M ER 1", imei: Self.aliceIMEI)
        let bobVehicle = try await harness.addVehicle(token: bob, plate: "M ER 2", imei: Self.bobIMEI)
        let aliceKey = try await harness.count("SELECT key FROM vehicles WHERE id = '\(aliceVehicle)'")
        let bobKey = try await harness.count("SELECT key FROM vehicles WHERE id = '\(bobVehicle)'")

        // Month-old history for both (the clock stands 40 days back while they drive)...
        clock.advance(days: -40)
        try await drive(harness, imei: Self.aliceIMEI, start: clock.now() - 3_600_000, count: 20, lat: 48.1)
        try await drive(harness, imei: Self.bobIMEI, start: clock.now() - 3_600_000, count: 20, lat: 52.5)
        #expect(try await harness.waitForCount("SELECT count(*) FROM positions", equals: 40) == 40)
        // ...archived once the clock is back at today.
        clock.advance(days: 40)
        let context = ArchiveContext(
            endpoint: harness.endpoint, directory: harness.engine.configuration.archive.directory, logger: testLogger("archive"))
        let archived = try await PartitionArchiver(context: context, retentionDays: 30, now: clock.closure).run()
        #expect(archived.rows == 40)
        #expect(try await harness.count("SELECT count(*) FROM positions") == 0)
        // And fresh positions, live in PostGIS and in the hot index.
        try await drive(harness, imei: Self.aliceIMEI, start: clock.now() - 600_000, count: 5, lat: 48.2)
        try await drive(harness, imei: Self.bobIMEI, start: clock.now() - 600_000, count: 5, lat: 52.6)
        #expect(try await harness.waitForCount("SELECT count(*) FROM positions", equals: 10) == 10)
        #expect(try await gpsCount(harness, token: alice) == 1)

        // A refused row of each, set aside by the history writer: positions too.
        for key in [aliceKey, bobKey] {
            #expect(
                try await harness.count(
                    """
                    WITH i AS (INSERT INTO position_dead_letters (vehicle_key, spool_sequence, fix_time_ms, record, sqlstate, error)
                               VALUES (\(key), 1, \(clock.now() - 60_000), '\\x00'::bytea, '22P05', 'test') RETURNING 1)
                    SELECT count(*) FROM i
                    """) == 1)
        }

        // Bob cannot erase Alice's vehicle: it is not found for him.
        #expect(try await harness.call("DELETE", "/api/fleet/vehicles/\(aliceVehicle)/history", token: bob).status == 404)
        #expect(try await harness.call("DELETE", "/api/fleet/vehicles/\(aliceVehicle)/history", token: nil).status == 401)

        let (status, json) = try await harness.call("DELETE", "/api/fleet/vehicles/\(aliceVehicle)/history", token: alice)
        #expect(status == 200)
        let body = try #require(json as? [String: Any])
        #expect(body["deletedPositions"] as? Int == 5)
        #expect(body["archivesRewritten"] as? Int ?? 0 >= 1)
        #expect(body["archiveRowsRemoved"] as? Int == 20)

        // PostGIS, vehicle_latest, the hot index and the API: nothing of Alice's vehicle.
        #expect(try await harness.count("SELECT count(*) FROM positions WHERE vehicle_key = \(aliceKey)") == 0)
        #expect(try await harness.count("SELECT count(*) FROM vehicle_latest WHERE vehicle_key = \(aliceKey)") == 0)
        #expect(try await harness.count("SELECT count(*) FROM position_dead_letters WHERE vehicle_key = \(aliceKey)") == 0)
        #expect(try await harness.count("SELECT count(*) FROM position_dead_letters WHERE vehicle_key = \(bobKey)") == 1)
        #expect(try await gpsCount(harness, token: alice) == 0)
        let track = try await harness.call(
            "GET", "/api/fleet/vehicles/\(aliceVehicle)/track?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z", token: alice)
        #expect((track.json as? [String: Any])?["positions"] as? [Any] != nil)
        #expect(((track.json as? [String: Any])?["positions"] as? [Any])?.count == 0)
        // Bob's history is untouched.
        #expect(try await harness.count("SELECT count(*) FROM positions WHERE vehicle_key = \(bobKey)") == 5)

        // Archives: the manifests no longer list the vehicle, and a restore brings back only Bob's rows.
        let manifests = try context.directory.manifests()
        #expect(!manifests.isEmpty)
        #expect(manifests.allSatisfy { !$0.vehicleKeys.contains(Int64(aliceKey)) })
        #expect(manifests.contains { $0.generation >= 2 && $0.erasures.contains { $0.vehicleKey == Int64(aliceKey) && $0.rowsRemoved > 0 } })
        #expect(try await ArchiveVerifier(context: context).verifyAll().allSatisfy { $0.problem == nil })
        let restored = try await ArchiveRestorer(context: context).restore(from: 0, to: clock.now() - 20 * 86_400_000)
        #expect(restored.reduce(0) { $0 + $1.rows } == 20)
        #expect(try await harness.count("SELECT count(*) FROM positions WHERE vehicle_key = \(aliceKey)") == 0)
        #expect(try await harness.count("SELECT count(*) FROM positions WHERE vehicle_key = \(bobKey)") == 25)

        // The audit row names the vehicle and counts, and the table has no place for coordinates.
        #expect(
            try await harness.count(
                """
                SELECT count(*) FROM erasure_audit WHERE subject_user = 'user_alice' AND vehicle_ids = ARRAY['\(aliceVehicle)']::uuid[]
                  AND live_rows_deleted = 5 AND archive_rows_removed = 20 AND completed_at IS NOT NULL AND channel = 'api'
                """) == 1)
        #expect(
            try await harness.count(
                """
                SELECT count(*) FROM information_schema.columns WHERE table_name = 'erasure_audit'
                  AND (data_type IN ('USER-DEFINED', 'double precision', 'real', 'jsonb') OR column_name ~ 'lat|lon|geom')
                """) == 0)

        // Spool: positions still pending when the erasure ran never reach PostGIS or the hot index. They
        // are put into the spool behind the engine's back (as if acknowledged just before a crash)...
        try await harness.stop()
        let committed = UInt64(try await harness.count("SELECT max(sequence) FROM ingest_watermark"))
        let spool = try Spool(
            configuration: SpoolConfiguration(directory: harness.dataDirectory + "/spool"),
            sequencesAfter: committed, logger: testLogger("spool"))
        let erasedTime = clock.now() - 120_000
        let pending = [
            Position(vehicleKey: Int64(aliceKey), deviceID: nil, fixTime: erasedTime, receivedTime: erasedTime, latitude: 48.3, longitude: 11.6),
            Position(vehicleKey: Int64(bobKey), deviceID: nil, fixTime: erasedTime, receivedTime: erasedTime, latitude: 52.7, longitude: 13.4),
        ]
        _ = try await spool.append(PositionBinaryCodec.encode(pending))
        spool.close()
        // ...and replayed at the next start.
        let restarted = try await EngineHarness.start(endpoint: harness.endpoint, dataDirectory: harness.dataDirectory, now: clock.closure) {
            $0.archive.everyHours = 0
        }
        #expect(restarted.engine.replayedPositions == 1)
        #expect(try await restarted.waitForCount("SELECT count(*) FROM positions WHERE vehicle_key = \(bobKey)", equals: 26) == 26)
        #expect(try await restarted.count("SELECT count(*) FROM positions WHERE vehicle_key = \(aliceKey)") == 0)
        #expect(try await gpsCount(restarted, token: alice) == 0)
        try await restarted.stop()
    }

    @Test func theHistoryWriterDropsErasedPositionsStillPending() async throws {
        let fixture = try await ArchiveFixture.make(oldDays: 0, perDay: 3, vehicles: 2)
        let eraser = HistoryEraser(context: fixture.context, now: { fixture.today + 86_000_000 })
        let result = try await eraser.erase([ErasedVehicle(key: 1, id: UUID())], subjectUser: "u", requestedBy: "test", channel: "cli")
        #expect(result.liveRowsDeleted == 3)
        // A batch that was in the spool during the erasure: vehicle 1's fix before the erasure is dropped,
        // its fix after the erasure and vehicle 2's are kept.
        let writer = HistoryWriter(endpoint: fixture.endpoint, scheme: .daily, logger: testLogger("writer"))
        let before = fixture.today + 3_600_000
        let after = fixture.today + 86_100_000
        try await writer.write([
            SequencedPositions(
                sequence: 100,
                positions: [
                    Position(vehicleKey: 1, deviceID: nil, fixTime: before, receivedTime: after, latitude: 48, longitude: 11),
                    Position(vehicleKey: 1, deviceID: nil, fixTime: after, receivedTime: after, latitude: 48, longitude: 11),
                    Position(vehicleKey: 2, deviceID: nil, fixTime: before, receivedTime: after, latitude: 48, longitude: 11),
                ])
        ])
        await writer.close()
        #expect(try await fixture.count("SELECT count(*) FROM positions WHERE vehicle_key = 1") == 1)
        #expect(try await fixture.count("SELECT count(*) FROM positions WHERE vehicle_key = 1 AND fix_time > to_timestamp(\(before / 1000))") == 1)
        #expect(try await fixture.count("SELECT count(*) FROM positions WHERE vehicle_key = 2") == 4)
        #expect(try await fixture.count("SELECT count(*) FROM erasure_audit WHERE channel = 'cli' AND live_rows_deleted = 3") == 1)
    }

    /// An erasure while the archive job holds its lock is recorded at once and its archive rewrite
    /// is done by the next archive run.
    @Test func anErasureDuringAnArchiveRunIsFinishedByTheNextRun() async throws {
        let fixture = try await ArchiveFixture.make(oldDays: 2, perDay: 10, vehicles: 2)
        #expect(try await fixture.archiver().run().archived.count == 2)
        let holder = try await ArchiveLockHolder.take(on: fixture.endpoint, id: 4)
        #expect(holder.held)
        #expect(
            try await fixture.count(
                "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()"
            ) == 1, "the holder has the archive lock")
        let eraser = HistoryEraser(context: fixture.context, now: { fixture.today + 3_600_000 })
        let result = try await eraser.erase(
            [ErasedVehicle(key: 2, id: UUID())], subjectUser: "u", requestedBy: "test", channel: "cli",
            archiveLockWaitSeconds: 1)
        #expect(result.archivesPending)
        #expect(result.liveRowsDeleted == 10, "today's rows go at once")
        #expect(try fixture.context.directory.manifests().allSatisfy { $0.vehicleKeys == [1, 2] }, "archives untouched while locked")
        #expect(try await fixture.count("SELECT count(*) FROM erasure_audit WHERE completed_at IS NULL") == 1)
        try await holder.release()

        let run = try await fixture.archiver().run()
        #expect(run.erasureRewrites == 2)
        let manifests = try fixture.context.directory.manifests()
        #expect(manifests.allSatisfy { $0.vehicleKeys == [1] && $0.rows == 10 && $0.generation == 2 })
        #expect(try await ArchiveVerifier(context: fixture.context).verifyAll().allSatisfy { $0.problem == nil })
        #expect(try await fixture.count("SELECT count(*) FROM erasure_audit WHERE completed_at IS NOT NULL AND archive_rows_removed = 20") == 1)
        // A later run has nothing left to rewrite, and old generations are gone.
        #expect(try await fixture.archiver().run().erasureRewrites == 0)
        #expect(try fixture.files().count == 4)
    }

    /// `geofleet erase` runs in another process: the running daemon notices the erasure and drops the
    /// vehicle from its hot index.
    @Test func anOperatorErasureReachesARunningDaemonsHotIndex() async throws {
        let harness = try await EngineHarness.start(tweak: { $0.archive.everyHours = 0 })
        let carol = try await harness.token("user_carol")
        let vehicle = try await harness.addVehicle(token: carol, plate: "M ER 3", imei: "356307042441047")
        try await drive(harness, imei: "356307042441047", start: WallClock.nowMilliseconds() - 600_000, count: 3, lat: 50.1)
        #expect(try await harness.waitForCount("SELECT count(*) FROM positions", equals: 3) == 3)
        #expect(try await gpsCount(harness, token: carol) == 1)
        let context = ArchiveContext(
            endpoint: harness.endpoint, directory: harness.engine.configuration.archive.directory, logger: testLogger("erase"))
        let vehicles = try await UserVehicles.of(user: "user_carol", context: context)
        #expect(vehicles.map { $0.id.uuidString.lowercased() } == [vehicle.lowercased()])
        let result = try await HistoryEraser(context: context, now: { WallClock.nowMilliseconds() })
            .erase(vehicles, subjectUser: "user_carol", requestedBy: "ops", channel: "cli")
        #expect(result.liveRowsDeleted == 3)
        #expect(!result.archivesPending)
        var seen = -1
        for _ in 0..<100 {
            seen = try await gpsCount(harness, token: carol)
            if seen == 0 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(seen == 0, "the watcher dropped the erased vehicle from the hot index")
        #expect(try await harness.count("SELECT count(*) FROM erasure_audit WHERE requested_by = 'ops' AND completed_at IS NOT NULL") == 1)
        try await harness.stop()
    }

    func gpsCount(_ harness: EngineHarness, token: String) async throws -> Int {
        let (_, json) = try await harness.call("GET", "/api/map/gps", token: token)
        return ((json as? [String: Any])?["positions"] as? [Any])?.count ?? -1
    }
}
