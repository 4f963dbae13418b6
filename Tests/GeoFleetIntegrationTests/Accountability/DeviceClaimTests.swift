import Foundation
import GeoFleetPostGIS
import GeoFleetTestSupport
import Testing

/// A tracker is bound only with the claim code issued for its IMEI.
@Suite("Device claims", .serialized)
struct DeviceClaimTests {
    static func issue(_ harness: EngineHarness, imei: String) async throws -> String {
        let service = try await harness.engine.tokens.sign(sub: "installer", plan: "pro", role: "service")
        let (status, json) = try await harness.call("POST", "/api/devices/claim-codes", token: service, body: ["imei": imei])
        #expect(status == 201)
        return ((json as? [String: Any])?["claimCode"] as? String) ?? ""
    }

    static func add(_ harness: EngineHarness, token: String, plate: String, imei: String, code: String?) async throws -> (Int, Any?) {
        var body: [String: Any] = [
            "type": "truck", "licensePlate": plate, "capacity": ["weight": 24_000, "volume": 90], "gpsDeviceId": imei,
        ]
        if let code { body["claimCode"] = code }
        return try await harness.call("POST", "/api/fleet/add", token: token, body: body)
    }

    @Test("an issued code binds the device; a wrong or missing one is refused and binds nothing; only the hash is kept")
    func claimWithCode() async throws {
        let harness = try await EngineHarness.start()
        let alice = try await harness.token("user_alice")
        let imei = "356307042441013"
        let code = try await Self.issue(harness, imei: imei)
        #expect(code.range(of: #"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$"#, options: .regularExpression) != nil)
        // An owner cannot issue codes (they could then claim anyone's tracker).
        #expect(try await harness.call("POST", "/api/devices/claim-codes", token: alice, body: ["imei": imei]).status == 403)

        var wrong = Array(code)
        wrong[0] = wrong[0] == "7" ? "8" : "7"
        var (status, json) = try await Self.add(harness, token: alice, plate: "CJ 01 CLM", imei: imei, code: String(wrong))
        #expect(status == 403)
        #expect(((json as? [String: Any])?["error"] as? String)?.contains("does not match") == true)
        (status, json) = try await Self.add(harness, token: alice, plate: "CJ 01 CLM", imei: imei, code: nil)
        #expect(status == 403)
        #expect(((json as? [String: Any])?["error"] as? String)?.contains("claim code") == true)
        #expect(try await harness.count("SELECT count(*) FROM vehicles") == 0)
        #expect(try await harness.count("SELECT count(*) FROM devices WHERE unique_id = '\(imei)' AND vehicle_key IS NOT NULL") == 0)

        // Typed as people type it: lower case, no dashes, O for 0 and l for 1.
        let typed = code.lowercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "0", with: "o")
            .replacingOccurrences(of: "1", with: "l")
        (status, _) = try await Self.add(harness, token: alice, plate: "CJ 01 CLM", imei: imei, code: typed)
        #expect(status == 201)
        #expect(try await harness.count("SELECT count(*) FROM devices WHERE unique_id = '\(imei)' AND vehicle_key IS NOT NULL") == 1)
        #expect(try await harness.count("SELECT count(*) FROM device_claim_codes WHERE claimed_by = 'user_alice' AND length(code_hash) = 48") == 1)
        #expect(
            try await harness.count(
                "SELECT count(*) FROM device_claim_codes WHERE position(convert_to('\(code.replacingOccurrences(of: "-", with: ""))', 'UTF8') in code_hash) > 0"
            ) == 0)
        // The claim is audited, the refusals too (her attempt to issue a code among them).
        let actions = try await AuditLogTests.entries(harness, token: alice).map { "\($0["action"] ?? "") \($0["status"] ?? "")" }
        #expect(actions == ["device.claim_code 403", "vehicle.create 403", "vehicle.create 403", "vehicle.create 201"])
        try await harness.stop()
    }

    @Test("guessing is cut short: after five wrong codes the device is locked for a while, even for the right code")
    func lockout() async throws {
        let harness = try await EngineHarness.start()
        let mallory = try await harness.token("user_mallory")
        let imei = "356307042441021"
        let code = try await Self.issue(harness, imei: imei)
        for attempt in 0..<DeviceClaims.maxFailures {
            let guess = String(format: "%04d-0000-0000", attempt)
            #expect(try await Self.add(harness, token: mallory, plate: "B 0\(attempt) GES", imei: imei, code: guess).0 == 403)
        }
        let (status, json) = try await Self.add(harness, token: mallory, plate: "B 99 GES", imei: imei, code: code)
        #expect(status == 429)
        #expect(((json as? [String: Any])?["error"] as? String)?.contains("too many wrong claim codes") == true)
        // A new code (the operator re-issues) clears the lock.
        let fresh = try await Self.issue(harness, imei: imei)
        #expect(try await Self.add(harness, token: mallory, plate: "B 99 GES", imei: imei, code: fresh).0 == 201)
        try await harness.stop()
    }

    @Test("POST /api/devices/claim binds a device to one's own vehicle; the owner moves a claimed device without the code")
    func claimRoute() async throws {
        let harness = try await EngineHarness.start()
        let alice = try await harness.token("user_alice")
        let bob = try await harness.token("user_bob")
        let imei = "356307042441039"
        let code = try await Self.issue(harness, imei: imei)
        let first = try await harness.addVehicle(token: alice, plate: "CJ 02 CLM", imei: nil)
        let second = try await harness.addVehicle(token: alice, plate: "CJ 03 CLM", imei: nil)
        let bobs = try await harness.addVehicle(token: bob, plate: "B 02 CLM", imei: nil)
        // Bob's vehicle is none of Alice's business: 404, as for a missing one.
        #expect(
            try await harness.call("POST", "/api/devices/claim", token: alice, body: ["imei": imei, "claimCode": code, "vehicleId": bobs]).status
                == 404)
        #expect(try await harness.call("POST", "/api/devices/claim", token: alice, body: ["imei": imei, "vehicleId": first]).status == 400)
        #expect(
            try await harness.call("POST", "/api/devices/claim", token: alice, body: ["imei": imei, "claimCode": code, "vehicleId": first]).status
                == 200)
        #expect(
            try await harness.count(
                "SELECT count(*) FROM devices d JOIN vehicles v ON v.key = d.vehicle_key WHERE d.unique_id = '\(imei)' AND v.id = '\(first)'") == 1)
        // Bob, even with the code, cannot take a device bound to Alice's truck.
        #expect(
            try await harness.call("PUT", "/api/fleet/vehicles/\(bobs)", token: bob, body: ["gpsDeviceId": imei, "claimCode": code]).status == 409)
        // Alice moves it to her other truck: hers already, no code needed.
        #expect(try await harness.call("PUT", "/api/fleet/vehicles/\(first)", token: alice, body: ["gpsDeviceId": NSNull()]).status == 200)
        #expect(try await harness.call("PUT", "/api/fleet/vehicles/\(second)", token: alice, body: ["gpsDeviceId": imei]).status == 200)
        try await harness.stop()
    }

    @Test("with GEOFLEET_DEVICE_CLAIM=required every binding needs an issued code; by default only issued devices do")
    func policies() async throws {
        let relaxed = try await EngineHarness.start()
        let alice = try await relaxed.token("user_alice")
        #expect(try await Self.add(relaxed, token: alice, plate: "CJ 04 CLM", imei: "356307042441047", code: nil).0 == 201)
        // A code for a device that was never given one cannot be right.
        #expect(try await Self.add(relaxed, token: alice, plate: "CJ 05 CLM", imei: "356307042441054", code: "AAAA-BBBB-CCCC").0 == 403)
        try await relaxed.stop()

        let strict = try await EngineHarness.start(tweak: { $0.devices.claimMode = "required" })
        let bob = try await strict.token("user_bob")
        let (status, json) = try await Self.add(strict, token: bob, plate: "B 04 CLM", imei: "356307042441062", code: nil)
        #expect(status == 403)
        #expect(((json as? [String: Any])?["error"] as? String)?.contains("needs its claim code") == true)
        // Vehicles without a tracker are not affected.
        #expect(try await strict.addVehicle(token: bob, plate: "B 05 CLM", imei: nil).count == 36)
        let code = try await Self.issue(strict, imei: "356307042441062")
        #expect(try await Self.add(strict, token: bob, plate: "B 04 CLM", imei: "356307042441062", code: code).0 == 201)
        try await strict.stop()
    }
}
