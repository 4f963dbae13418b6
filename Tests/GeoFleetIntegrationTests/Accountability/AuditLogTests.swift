import Foundation
import GeoFleetPostGIS
import GeoFleetTestSupport
import PostgresNIO
import Testing

/// Every write through the API lands in the append-only audit log, readable per account.
@Suite("Audit log", .serialized)
struct AuditLogTests {
    static func entries(_ harness: EngineHarness, token: String, query: String = "") async throws -> [[String: Any]] {
        let (status, json) = try await harness.call("GET", "/api/audit\(query)", token: token)
        #expect(status == 200)
        return ((json as? [String: Any])?["entries"] as? [[String: Any]]) ?? []
    }

    @Test("writes are recorded with who, what, when, from where and the vehicle's fields before and after; reads are not")
    func writesAreRecorded() async throws {
        let harness = try await EngineHarness.start()
        let alice = try await harness.token("user_alice")
        let bob = try await harness.token("user_bob")
        let started = Date()
        let id = try await harness.addVehicle(token: alice, plate: "CJ 17 AUD", imei: "356307042441017")
        var (status, _) = try await harness.call("PUT", "/api/fleet/vehicles/\(id)", token: alice, body: ["status": "inactive", "driverId": "drv_9"])
        #expect(status == 200)
        (status, _) = try await harness.call("PUT", "/api/fleet/vehicles/\(id)/position", token: alice, body: ["lat": 46.77, "long": 23.59])
        #expect(status == 200)
        // A refused write is recorded too, with its status.
        (status, _) = try await harness.call("PUT", "/api/fleet/vehicles/\(id)", token: alice, body: ["status": "flying"])
        #expect(status == 400)
        // Reads and queries change nothing and are not recorded.
        (status, _) = try await harness.call("GET", "/api/fleet/vehicles", token: alice)
        #expect(status == 200)
        (status, _) = try await harness.call(
            "POST", "/api/routes/estimate", token: alice,
            body: ["origin": ["lat": 46.77, "long": 23.59], "destination": ["lat": 46.78, "long": 23.60]])
        let other = try await harness.addVehicle(token: alice, plate: "CJ 18 AUD", imei: nil)
        (status, _) = try await harness.call("DELETE", "/api/fleet/vehicles/\(other)", token: alice)
        #expect(status == 200)

        let entries = try await Self.entries(harness, token: alice)
        #expect(
            entries.map { $0["action"] as? String } == [
                "vehicle.create", "vehicle.update", "vehicle.position", "vehicle.update", "vehicle.create", "vehicle.delete",
            ])
        for entry in entries {
            #expect(entry["actor"] as? String == "user_alice")
            #expect(entry["channel"] as? String == "api")
            #expect(entry["remoteAddress"] as? String == "127.0.0.1")
            let time = (entry["time"] as? String).flatMap { ISO8601DateFormatter.withFractions.date(from: $0) }
            #expect(time.map { $0 >= started.addingTimeInterval(-1) && $0 <= Date().addingTimeInterval(1) } == true)
        }
        let created = entries[0]
        #expect(created["target"] as? String == "vehicle:\(id)")
        #expect(created["status"] as? Int == 201 && created["method"] as? String == "POST" && created["path"] as? String == "/api/fleet/add")
        #expect((created["after"] as? [String: Any])?["licensePlate"] as? String == "CJ 17 AUD")
        #expect((created["after"] as? [String: Any])?["gpsDeviceId"] as? String == "356307042441017")
        #expect(created["before"] == nil)

        let update = entries[1]
        let before = update["before"] as? [String: Any]
        let after = update["after"] as? [String: Any]
        #expect(before?["status"] as? String == "active" && after?["status"] as? String == "inactive")
        #expect(before?["driverId"] is NSNull && after?["driverId"] as? String == "drv_9")
        #expect(update["status"] as? Int == 200)

        let placed = entries[2]
        let point = ((placed["coordinates"] as? [String: Any])?["after"] as? [String: Any])?["manualPosition"] as? [String: Any]
        #expect(point?["lat"] as? Double == 46.77 && point?["long"] as? Double == 23.59)

        let refused = entries[3]
        #expect(refused["status"] as? Int == 400 && refused["target"] as? String == "vehicle:\(id)" && refused["after"] == nil)
        let deleted = entries[5]
        #expect((deleted["before"] as? [String: Any])?["licensePlate"] as? String == "CJ 18 AUD" && deleted["after"] == nil)

        // Bob sees his own account only: nothing.
        #expect(try await Self.entries(harness, token: bob).isEmpty)
        // A window before any of it is empty; paging follows ids.
        #expect(try await Self.entries(harness, token: alice, query: "?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z").isEmpty)
        let (_, page) = try await harness.call("GET", "/api/audit?limit=2", token: alice)
        let next = (page as? [String: Any])?["next"] as? Int
        #expect(next != nil)
        let rest = try await Self.entries(harness, token: alice, query: "?after=\(next ?? 0)")
        #expect(rest.count == entries.count - 2)
        #expect(try await harness.call("GET", "/api/audit?from=yesterday", token: alice).status == 400)
        #expect(try await harness.call("GET", "/api/audit?limit=0", token: alice).status == 400)
        try await harness.stop()
    }

    @Test("erasing a vehicle's history blanks the coordinates the audit kept and leaves the rest readable")
    func erasureKeepsTheAuditWithoutCoordinates() async throws {
        let harness = try await EngineHarness.start()
        let alice = try await harness.token("user_alice")
        let id = try await harness.addVehicle(token: alice, plate: "CJ 19 AUD", imei: nil)
        var (status, _) = try await harness.call("PUT", "/api/fleet/vehicles/\(id)/position", token: alice, body: ["lat": 45.1, "long": 24.2])
        #expect(status == 200)
        (status, _) = try await harness.call(
            "PUT", "/api/fleet/vehicles/\(id)", token: alice,
            body: [
                "currentCargoId": "cargo_1",
                "currentCargo": ["pickup": ["lat": 45.0, "long": 24.0], "delivery": ["lat": 44.4, "long": 26.1]],
            ])
        #expect(status == 200)
        let before = try await Self.entries(harness, token: alice)
        #expect(before.filter { $0["coordinates"] != nil }.count == 2)

        (status, _) = try await harness.call("DELETE", "/api/fleet/vehicles/\(id)/history", token: alice)
        #expect(status == 200)
        let after = try await Self.entries(harness, token: alice)
        #expect(after.map { $0["action"] as? String } == ["vehicle.create", "vehicle.position", "vehicle.update", "history.erase"])
        #expect(after.allSatisfy { $0["coordinates"] == nil })
        #expect(after[1]["coordinatesErasedAt"] is String && after[2]["coordinatesErasedAt"] is String)
        // Who changed what stays: the cargo id, the actor, the time.
        #expect((after[2]["after"] as? [String: Any])?["currentCargoId"] as? String == "cargo_1")
        #expect(after[3]["target"] as? String == "vehicle:\(id)" && after[3]["status"] as? Int == 200)
        try await harness.stop()
    }

    @Test("the table refuses updates, deletes and truncation; only erasure's blanking of coordinates passes")
    func appendOnly() async throws {
        let harness = try await EngineHarness.start()
        let alice = try await harness.token("user_alice")
        _ = try await harness.addVehicle(token: alice, plate: "CJ 20 AUD", imei: nil)
        #expect(try await harness.count("SELECT count(*) FROM audit_log") == 1)
        let client = PostgresClient(configuration: harness.endpoint.clientConfiguration, backgroundLogger: testLogger("audit"))
        let task = await client.runInBackground()
        defer { task.cancel() }
        for statement in [
            "UPDATE audit_log SET actor = 'someone_else'", "DELETE FROM audit_log", "TRUNCATE audit_log",
            "UPDATE audit_log SET coordinates = NULL, scrubbed_at = now(), status = 500",
        ] {
            await #expect(throws: PSQLError.self, "\(statement)") {
                try await client.query(PostgresQuery(unsafeSQL: statement), logger: testLogger("audit"))
            }
        }
        try await client.query(PostgresQuery(unsafeSQL: "UPDATE audit_log SET coordinates = NULL, scrubbed_at = now()"), logger: testLogger("audit"))
        #expect(try await harness.count("SELECT count(*) FROM audit_log WHERE actor = 'user_alice' AND status = 201") == 1)
        try await harness.stop()
    }
}

extension ISO8601DateFormatter {
    /// `2026-12-07T17:30:00.123Z`.
    nonisolated(unsafe) static let withFractions: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }()
}
