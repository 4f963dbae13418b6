import Foundation
import GeoFleetArchive
import GeoFleetCore
import GeoFleetExport
import GeoFleetPlatform
import GeoFleetProtocols
import GeoFleetTestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// GDPR exports (`/api/privacy/exports`, `geofleet export`): history spanning archived (dropped)
/// and live partitions, in every format, against the track API and the restored archive.
@Suite(.serialized) struct PrivacyExportTests {
    static let aliceIMEI = "356307042441047"
    static let bobIMEI = "356307042441054"
    static let day: Int64 = 86_400_000

    /// Sends fixes a minute apart starting at `start` and waits for their ACK.
    func drive(_ harness: EngineHarness, imei: String, start: Int64, count: Int, lat: Double) async throws {
        let device = try await TestDeviceClient.connect(port: harness.devicePort)
        try await device.send(Teltonika.encodeIMEI(imei))
        #expect(try await device.read(1) == [0x01])
        var fixes: [(time: Int64, lat: Double, lon: Double)] = []
        for i in 0..<count {
            let step = Double(i)
            fixes.append((time: start + Int64(i) * 60_000, lat: lat + step * 0.0013, lon: 11.5 + step * 0.0007))
        }
        try await device.send(FrameFactory.codec8(records: fixes, speed: UInt16(37 + count % 5)))
        #expect(FrameFactory.ackCount(try await device.read(4)) == count)
        await device.close()
    }

    /// Alice's vehicle: 20 + 10 fixes on two days 40 and 39 days back (archived, partitions dropped),
    /// then 15 live fixes; Bob has a vehicle of his own.
    struct Fleet {
        let harness: EngineHarness
        let clock: TestClock
        let alice: String
        let bob: String
        let aliceVehicle: String
        let bobVehicle: String
        let aliceKey: Int
        var context: ArchiveContext {
            ArchiveContext(endpoint: harness.endpoint, directory: harness.engine.configuration.archive.directory, logger: testLogger("archive"))
        }
    }

    func fleet() async throws -> Fleet {
        let clock = TestClock()
        let harness = try await EngineHarness.start(now: clock.closure) { $0.archive.everyHours = 0 }
        let alice = try await harness.token("user_alice")
        let bob = try await harness.token("user_bob")
        let aliceVehicle = try await harness.addVehicle(token: alice, plate: "M EX 1", imei: Self.aliceIMEI)
        let bobVehicle = try await harness.addVehicle(token: bob, plate: "M EX 2", imei: Self.bobIMEI)
        let aliceKey = try await harness.count("SELECT key FROM vehicles WHERE id = '\(aliceVehicle)'")
        clock.advance(days: -40)
        try await drive(harness, imei: Self.aliceIMEI, start: clock.now() - 3_600_000, count: 20, lat: 48.1)
        try await drive(harness, imei: Self.bobIMEI, start: clock.now() - 3_600_000, count: 5, lat: 52.5)
        clock.advance(days: 1)
        try await drive(harness, imei: Self.aliceIMEI, start: clock.now() - 3_600_000, count: 10, lat: 48.3)
        #expect(try await harness.waitForCount("SELECT count(*) FROM positions", equals: 35) == 35)
        clock.advance(days: 39)
        let fleet = Fleet(
            harness: harness, clock: clock, alice: alice, bob: bob, aliceVehicle: aliceVehicle, bobVehicle: bobVehicle, aliceKey: aliceKey)
        let archived = try await PartitionArchiver(context: fleet.context, retentionDays: 30, now: clock.closure).run()
        #expect(archived.rows == 35)
        #expect(try await harness.count("SELECT count(*) FROM positions") == 0)
        try await drive(harness, imei: Self.aliceIMEI, start: clock.now() - 1_800_000, count: 15, lat: 48.5)
        #expect(try await harness.waitForCount("SELECT count(*) FROM positions", equals: 15) == 15)
        return fleet
    }

    /// The track API's rows for Alice's vehicle in [from, to].
    func trackRows(_ fleet: Fleet, from: String, to: String) async throws -> [ExportedRow] {
        let (status, json) = try await fleet.harness.call(
            "GET", "/api/fleet/vehicles/\(fleet.aliceVehicle)/track?from=\(from)&to=\(to)&limit=10000", token: fleet.alice)
        #expect(status == 200)
        let positions = try #require((json as? [String: Any])?["positions"] as? [[String: Any]])
        return try positions.map { p in
            ExportedRow(
                vehicleId: fleet.aliceVehicle, time: try #require(p["timestamp"] as? String), lat: try #require(p["lat"] as? Double),
                long: try #require(p["long"] as? Double), speed: try #require(p["speed"] as? Double), heading: try #require(p["heading"] as? Double))
        }
    }

    @Test func exportsEqualTrackAPIAndRestoredArchiveInEveryFormat() async throws {
        let fleet = try await fleet()
        let harness = fleet.harness
        let fromMs = fleet.clock.now() - 45 * Self.day
        let toMs = fleet.clock.now() + 3_600_000
        let from = UTCTime.iso8601(milliseconds: fromMs)
        let to = UTCTime.iso8601(milliseconds: toMs)
        let live = try await trackRows(fleet, from: from, to: to)
        #expect(live.count == 15)

        var exported: [ExportFormat: [ExportedRow]] = [:]
        var jsonBytes = Data()
        for format in ExportFormat.allCases {
            let (id, job) = try await ExportTestSupport.run(
                harness, token: fleet.alice, body: ["vehicleIds": [fleet.aliceVehicle], "from": from, "to": to, "format": format.rawValue])
            #expect(job["status"] as? String == "done", "\(format): \(job)")
            #expect(job["rows"] as? Int == 45)
            #expect(job["progress"] as? Double == 1)
            #expect(job["format"] as? String == format.rawValue)
            #expect(job["expiresAt"] as? String != nil)
            let url = try #require(job["downloadUrl"] as? String)
            #expect(url == "/api/privacy/exports/\(id)/download")
            let (status, headers, data) = try await ExportTestSupport.download(harness, url, token: fleet.alice)
            #expect(status == 200)
            #expect(headers["content-type"]?.hasPrefix(format.contentType.split(separator: ";")[0].description) == true, "\(headers)")
            #expect(headers["content-disposition"] == "attachment; filename=\"geofleet-export-\(id).\(format.rawValue)\"")
            // The file is private, in a private directory.
            let path = harness.dataDirectory + "/exports/\(id).\(format.rawValue)"
            #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
            #expect(try FileManager.default.attributesOfItem(atPath: harness.dataDirectory + "/exports")[.posixPermissions] as? Int == 0o700)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == data)
            // Bob cannot see or fetch it: it answers like a missing export.
            #expect(try await harness.call("GET", "/api/privacy/exports/\(id)", token: fleet.bob).status == 404)
            #expect(try await ExportTestSupport.download(harness, url, token: fleet.bob).0 == 404)
            switch format {
            case .json:
                exported[format] = try ExportTestSupport.json(data)
                jsonBytes = data
            case .geojson: exported[format] = try ExportTestSupport.geojson(data)
            case .csv: exported[format] = try ExportTestSupport.csv(data)
            case .gpx:
                let (code, output) = try ExportTestSupport.validateGPX(data)
                #expect(code == 0, "xmllint: \(output)")
                exported[format] = try ExportTestSupport.gpx(data)
            }
        }

        // The CLI's code path (the same exporter, vehicles looked up by id) writes the very same bytes.
        let cliFile = FileManager.default.temporaryDirectory.path + "/geofleet-export-cli-\(UUIDString.short()).json"
        defer { try? FileManager.default.removeItem(atPath: cliFile) }
        let endpoint = harness.endpoint
        let archiveDirectory = harness.engine.configuration.archive.directory
        let aliceID = try #require(UUID(uuidString: fleet.aliceVehicle))
        let cliSummary = try await Blocking.onOwnThread {
            let fd = open(cliFile, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            defer { close(fd) }
            let exporter = PositionExporter(
                endpoint: endpoint, archiveDirectory: archiveDirectory, keys: .none, logger: testLogger("export"))
            let request = ExportRequest(
                vehicles: try ExportVehicleLookup.vehicles(ids: [aliceID], endpoint: endpoint), from: fromMs, to: toMs, format: .json)
            return try exporter.export(request, to: ExportSink(fd: fd))
        }
        #expect(cliSummary.rows == 45 && cliSummary.archivedRows == 30)
        #expect(try Data(contentsOf: URL(fileURLWithPath: cliFile)) == jsonBytes)

        // Every format holds the same rows, in fix-time order.
        let json = try #require(exported[.json])
        #expect(json.count == 45)
        for format in ExportFormat.allCases { #expect(exported[format] == json, "\(format) differs from json") }
        #expect(json.map(\.time) == json.map(\.time).sorted())
        // Live part: what the track API answers now.
        #expect(Array(json.suffix(15)) == live)

        // Archived part: the archives restored into PostGIS (after the export, which restored nothing) hold the same rows.
        #expect(try await harness.count("SELECT count(*) FROM positions") == 15)
        let restored = try await ArchiveRestorer(context: fleet.context).restore(from: fromMs, to: fleet.clock.now() - 20 * Self.day)
        #expect(restored.reduce(0) { $0 + $1.rows } == 35)
        let all = try await trackRows(fleet, from: from, to: to)
        #expect(all.count == 45)
        #expect(json == all)

        // A restored partition is live and archived at once: read once, from PostGIS.
        let (_, again) = try await ExportTestSupport.run(
            harness, token: fleet.alice, body: ["vehicleIds": [fleet.aliceVehicle], "from": from, "to": to, "format": "csv"])
        #expect(again["rows"] as? Int == 45)
        try await harness.stop()
    }

    @Test func refusalsAndOwnership() async throws {
        let clock = TestClock()
        let harness = try await EngineHarness.start(now: clock.closure) { $0.archive.everyHours = 0 }
        let alice = try await harness.token("user_alice")
        let bob = try await harness.token("user_bob")
        let aliceVehicle = try await harness.addVehicle(token: alice, plate: "M EX 3", imei: nil)
        let bobVehicle = try await harness.addVehicle(token: bob, plate: "M EX 4", imei: nil)
        let from = "2026-10-01T00:00:00Z"
        let to = "2026-10-02T00:00:00Z"
        let bad: [[String: Any]] = [
            ["from": from, "to": to, "format": "json", "extra": 1],
            ["from": to, "to": from, "format": "json"],
            ["from": from, "to": from, "format": "json"],
            ["from": "2025-01-01T00:00:00Z", "to": "2026-03-01T00:00:00Z", "format": "json"],
            ["from": from, "to": to, "format": "xml"],
            ["from": "yesterday", "to": to, "format": "json"],
            ["to": to, "format": "json"],
            ["from": from, "to": to, "format": "json", "vehicleIds": []],
            ["from": from, "to": to, "format": "json", "vehicleIds": ["not-a-uuid"]],
            ["from": from, "to": to, "format": "json", "vehicleIds": Array(repeating: aliceVehicle, count: 1001)],
        ]
        for body in bad {
            let (status, json) = try await harness.call("POST", "/api/privacy/exports", token: alice, body: body)
            #expect(status == 400, "\(body) → \(status)")
            #expect((json as? [String: Any])?["error"] as? String != nil)
        }
        #expect(try await harness.call("POST", "/api/privacy/exports", token: alice, rawBody: Data("{".utf8)).status == 400)
        #expect(try await harness.call("POST", "/api/privacy/exports", token: nil, body: ["from": from, "to": to, "format": "json"]).status == 401)
        // Bob's vehicle, alone or beside Alice's, answers like a missing one.
        for ids in [[bobVehicle], [aliceVehicle, bobVehicle], [UUID().uuidString]] {
            let (status, json) = try await harness.call(
                "POST", "/api/privacy/exports", token: alice, body: ["from": from, "to": to, "format": "json", "vehicleIds": ids])
            #expect(status == 404)
            #expect((json as? [String: Any])?["error"] as? String == "vehicle not found")
        }
        #expect(try await harness.call("GET", "/api/privacy/exports/\(UUID().uuidString)", token: alice).status == 404)
        #expect(try await harness.call("GET", "/api/privacy/exports/nope", token: alice).status == 400)

        // All of Alice's vehicles (omitted vehicleIds): an empty but valid export, 202 then done.
        let (_, job) = try await ExportTestSupport.run(harness, token: alice, body: ["from": from, "to": to, "format": "geojson"])
        #expect(job["status"] as? String == "done")
        #expect(job["vehicleCount"] as? Int == 1)
        #expect(job["rows"] as? Int == 0)
        try await harness.stop()
    }

    @Test func erasedHistoryIsAbsentAndExpiredFilesAreRemoved() async throws {
        let fleet = try await fleet()
        let harness = fleet.harness
        let from = UTCTime.iso8601(milliseconds: fleet.clock.now() - 45 * Self.day)
        let to = UTCTime.iso8601(milliseconds: fleet.clock.now() + 3_600_000)
        // An erasure whose archive rewrite is still pending: the archives hold all 30 rows, the export must not.
        let firstDay = try await firstArchivedDayEnd(fleet)
        let cutoff = firstDay
        #expect(
            try await harness.count(
                """
                WITH i AS (INSERT INTO position_erasures (vehicle_key, erased_through)
                           VALUES (\(fleet.aliceKey), '\(UTCTime.iso8601(milliseconds: cutoff))') RETURNING 1)
                SELECT count(*) FROM i
                """) == 1)
        let (id, job) = try await ExportTestSupport.run(
            harness, token: fleet.alice, body: ["vehicleIds": [fleet.aliceVehicle], "from": from, "to": to, "format": "json"])
        #expect(job["status"] as? String == "done")
        let (_, _, data) = try await ExportTestSupport.download(harness, "/api/privacy/exports/\(id)/download", token: fleet.alice)
        let rows = try ExportTestSupport.json(data)
        // The first archived day (20 fixes) is erased; the second day (10) and the live ones (15) remain.
        #expect(rows.count == 25)
        #expect(rows.allSatisfy { (UTCTime.parseISO8601($0.time) ?? 0) > cutoff })
        // The request and the download are on record in Alice's audit log, with what was asked.
        let audit = try await AuditLogTests.entries(harness, token: fleet.alice).filter { ($0["target"] as? String) == "export:\(id)" }
        #expect(audit.map { $0["action"] as? String } == ["export.create", "export.download"])
        #expect((audit.first?["after"] as? [String: Any])?["format"] as? String == "json")
        #expect((audit.first?["after"] as? [String: Any])?["vehicleCount"] as? Int == 1)
        #expect(audit.first?["status"] as? Int == 202 && audit.last?["status"] as? Int == 200)

        // Past the retention the file and the job are gone.
        let path = harness.dataDirectory + "/exports/\(id).json"
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try await harness.engine.exports.purge() == 0)
        fleet.clock.advance(days: 2)
        #expect(try await harness.engine.exports.purge() >= 1)
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try await harness.call("GET", "/api/privacy/exports/\(id)", token: fleet.alice).status == 404)
        #expect(try await ExportTestSupport.download(harness, "/api/privacy/exports/\(id)/download", token: fleet.alice).0 == 404)
        try await harness.stop()
    }

    @Test func oneRunningPerUserQueueLimitAndRestartMarksRunningFailed() async throws {
        let harness = try await EngineHarness.start(tweak: { $0.archive.everyHours = 0 })
        let alice = try await harness.token("user_alice")
        _ = try await harness.addVehicle(token: alice, plate: "M EX 5", imei: nil)
        // An export of Alice's that a previous process was writing: hers wait behind it.
        let stale = "5b0e0d55-7d1c-4c5e-9d3e-2f4a0d6c9a01"
        #expect(
            try await harness.count(
                """
                WITH i AS (INSERT INTO privacy_exports (id, owner, vehicle_keys, from_time, to_time, format, status, started_at)
                           VALUES ('\(stale)', 'user_alice', '{}', now() - interval '1 day', now(), 'json', 'running', now()) RETURNING 1)
                SELECT count(*) FROM i
                """) == 1)
        let body: [String: Any] = ["from": "2026-10-01T00:00:00Z", "to": "2026-10-02T00:00:00Z", "format": "csv"]
        var queued: [String] = []
        for _ in 0..<5 {
            let (status, json) = try await harness.call("POST", "/api/privacy/exports", token: alice, body: body)
            #expect(status == 202)
            queued.append(try #require((json as? [String: Any])?["exportId"] as? String))
        }
        try await Task.sleep(for: .seconds(2))
        let (_, first) = try await harness.call("GET", "/api/privacy/exports/\(queued[0])", token: alice)
        #expect((first as? [String: Any])?["status"] as? String == "queued")
        #expect(try await harness.call("POST", "/api/privacy/exports", token: alice, body: body).status == 429)
        let (notReady, _, _) = try await ExportTestSupport.download(harness, "/api/privacy/exports/\(queued[0])/download", token: alice)
        #expect(notReady == 409)

        // A restart fails the interrupted export (never re-run, never half a file); the queue moves on.
        try await harness.stop()
        let restarted = try await EngineHarness.start(
            endpoint: harness.endpoint, dataDirectory: harness.dataDirectory, tweak: { $0.archive.everyHours = 0 })
        #expect(
            try await restarted.waitForCount("SELECT count(*) FROM privacy_exports WHERE id = '\(stale)' AND status = 'failed'", equals: 1) == 1)
        let (_, staleJob) = try await restarted.call("GET", "/api/privacy/exports/\(stale)", token: alice)
        let job = try #require(staleJob as? [String: Any])
        #expect(job["status"] as? String == "failed")
        #expect((job["error"] as? String)?.contains("restart") == true)
        #expect(job["downloadUrl"] == nil)
        #expect(
            try await restarted.waitForCount("SELECT count(*) FROM privacy_exports WHERE status = 'done'", equals: 5, timeout: Duration.seconds(60))
                == 5)
        try await restarted.stop()
    }

    /// The last fix time of Alice's first archived day (read from the archive's manifest: nothing restored).
    func firstArchivedDayEnd(_ fleet: Fleet) async throws -> Int64 {
        let manifests = try fleet.context.directory.manifests().filter { $0.vehicleKeys.contains(Int64(fleet.aliceKey)) }.sorted {
            $0.rangeStart < $1.rangeStart
        }
        let first = try #require(manifests.first)
        return try #require(first.maxFixTime.flatMap(UTCTime.parseISO8601))
    }
}
