import Foundation
import GeoFleetCore
import GeoFleetProtocols
import GeoFleetTestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
import GeoFleetPlatform
#endif

/// `PUT`/`DELETE /api/fleet/vehicles/{id}` and manual positioning against a running engine.
@Suite(.serialized) struct VehicleChangeTests {
    static let imei = "356307042441013"
    static let otherIMEI = "356307042441021"

    func vehicle(_ harness: EngineHarness, token: String, id: String) async throws -> [String: Any]? {
        let (_, json) = try await harness.call("GET", "/api/fleet/vehicles?limit=100", token: token)
        let vehicles = (json as? [String: Any])?["vehicles"] as? [[String: Any]] ?? []
        return vehicles.first { $0["id"] as? String == id }
    }

    func handshake(_ harness: EngineHarness, imei: String) async throws -> [UInt8]? {
        let device = try await TestDeviceClient.connect(port: harness.devicePort)
        defer { Task { await device.close() } }
        try await device.send(Teltonika.encodeIMEI(imei))
        return try await device.read(1)
    }

    @Test func partialUpdateChangesOnlyWhatItNames() async throws {
        let harness = try await EngineHarness.start()
        let alice = try await harness.token("user_alice")
        let bob = try await harness.token("user_bob")
        let id = try await harness.addVehicle(token: alice, plate: "B 10 AAA", imei: Self.imei)
        _ = try await harness.addVehicle(token: alice, plate: "B 11 AAA", imei: nil)

        var (status, _) = try await harness.call(
            "PUT", "/api/fleet/vehicles/\(id)", token: alice,
            body: ["status": "maintenance", "driverId": "driver_7", "capacity": ["weight": 18000]])
        #expect(status == 200)
        var v = try #require(try await vehicle(harness, token: alice, id: id))
        #expect(v["status"] as? String == "maintenance")
        #expect(v["driverId"] as? String == "driver_7")
        #expect((v["capacity"] as? [String: Any])?["weight"] as? Double == 18000)
        #expect((v["capacity"] as? [String: Any])?["volume"] as? Double == 90, "an absent field stays as it was")
        #expect(v["license"] as? String == "B 10 AAA")

        // null clears a nullable field.
        (status, _) = try await harness.call("PUT", "/api/fleet/vehicles/\(id)", token: alice, rawBody: Data(#"{"driverId": null}"#.utf8))
        #expect(status == 200)
        v = try #require(try await vehicle(harness, token: alice, id: id))
        #expect(v["driverId"] == nil)

        // Bad input: each a 400 with a reason, and nothing written.
        for (body, fragment) in [
            (#"{"status": "flying"}"#, "status"), (#"{"colour": "red"}"#, "unknown field"), (#"{}"#, "changes nothing"),
            (#"{"capacity": {"weight": -1}}"#, "capacity.weight"), (#"{"licensePlate": "<script>"}"#, "licensePlate"),
            (#"{"currentCargo": {"pickup": {"lat": 1, "long": 2}, "delivery": {"lat": 3, "long": 4}}}"#, "currentCargoId"),
        ] {
            let (status, json) = try await harness.call("PUT", "/api/fleet/vehicles/\(id)", token: alice, rawBody: Data(body.utf8))
            #expect(status == 400, "\(body)")
            #expect(((json as? [String: Any])?["error"] as? String)?.contains(fragment) == true, "\(body): \(String(describing: json))")
        }
        v = try #require(try await vehicle(harness, token: alice, id: id))
        #expect(v["status"] as? String == "maintenance")

        // A plate already used by another of the user's vehicles is a conflict.
        (status, _) = try await harness.call("PUT", "/api/fleet/vehicles/\(id)", token: alice, body: ["licensePlate": "B 11 AAA"])
        #expect(status == 409)
        // Another user's vehicle does not exist for bob.
        (status, _) = try await harness.call("PUT", "/api/fleet/vehicles/\(id)", token: bob, body: ["status": "inactive"])
        #expect(status == 404)
        (status, _) = try await harness.call("DELETE", "/api/fleet/vehicles/\(id)", token: bob)
        #expect(status == 404)
        try await harness.stop()
    }

    @Test func changingTheDeviceRebindsIt() async throws {
        let harness = try await EngineHarness.start()
        let alice = try await harness.token("user_alice")
        let id = try await harness.addVehicle(token: alice, plate: "B 20 AAA", imei: Self.imei)
        #expect(try await handshake(harness, imei: Self.imei) == [0x01])
        let (status, _) = try await harness.call("PUT", "/api/fleet/vehicles/\(id)", token: alice, body: ["gpsDeviceId": Self.otherIMEI])
        #expect(status == 200)
        #expect(try await handshake(harness, imei: Self.imei) == [0x00], "the old device is no longer bound")
        #expect(try await handshake(harness, imei: Self.otherIMEI) == [0x01], "the new one is")
        try await harness.stop()
    }

    @Test func cargoAssignmentShowsOnTheMapAndBlocksDeletion() async throws {
        let harness = try await EngineHarness.start()
        let alice = try await harness.token("user_alice")
        let id = try await harness.addVehicle(token: alice, plate: "B 30 AAA", imei: Self.imei)
        var (status, _) = try await harness.call("PUT", "/api/fleet/vehicles/\(id)/position", token: alice, body: ["lat": 44.43, "long": 26.10])
        #expect(status == 200)
        (status, _) = try await harness.call(
            "PUT", "/api/fleet/vehicles/\(id)", token: alice,
            body: [
                "currentCargoId": "cargo_42",
                "currentCargo": ["pickup": ["lat": 44.43, "long": 26.10, "address": "Bucuresti"], "delivery": ["lat": 46.77, "long": 23.59]],
            ])
        #expect(status == 200)
        let (_, map) = try await harness.call("GET", "/api/map/gps", token: alice)
        let item = try #require(((map as? [String: Any])?["positions"] as? [[String: Any]])?.first)
        let cargo = try #require(item["cargo"] as? [String: Any])
        #expect(cargo["id"] as? String == "cargo_42")
        #expect((cargo["delivery"] as? [String: Any])?["lat"] as? Double == 46.77)
        #expect((cargo["pickup"] as? [String: Any])?["address"] as? String == "Bucuresti")

        let (conflict, json) = try await harness.call("DELETE", "/api/fleet/vehicles/\(id)", token: alice)
        #expect(conflict == 409)
        #expect(((json as? [String: Any])?["error"] as? String)?.contains("cargo_42") == true)

        (status, _) = try await harness.call("PUT", "/api/fleet/vehicles/\(id)", token: alice, rawBody: Data(#"{"currentCargoId": null}"#.utf8))
        #expect(status == 200)
        let cleared = try #require(try await vehicle(harness, token: alice, id: id))
        #expect(cleared["currentCargo"] == nil, "clearing the cargo id clears its points")

        // Deleted: gone from the list and the map, its device unbound, its history kept.
        #expect(try await harness.waitForCount("SELECT count(*) FROM positions", equals: 1) == 1)
        (status, _) = try await harness.call("DELETE", "/api/fleet/vehicles/\(id)", token: alice)
        #expect(status == 200)
        #expect(try await vehicle(harness, token: alice, id: id) == nil)
        let (_, after) = try await harness.call("GET", "/api/map/gps", token: alice)
        #expect(((after as? [String: Any])?["positions"] as? [Any])?.isEmpty == true)
        #expect(try await handshake(harness, imei: Self.imei) == [0x00])
        #expect(try await harness.count("SELECT count(*) FROM positions") == 1, "history stays until retention removes it")
        (status, _) = try await harness.call("DELETE", "/api/fleet/vehicles/\(id)", token: alice)
        #expect(status == 404)
        try await harness.stop()
    }

    @Test func manualPositionHoldsUntilANewerDeviceFix() async throws {
        let harness = try await EngineHarness.start()
        let alice = try await harness.token("user_alice")
        let id = try await harness.addVehicle(token: alice, plate: "B 40 AAA", imei: Self.imei)

        let (refused, json) = try await harness.call(
            "PUT", "/api/fleet/vehicles/\(id)/position", token: alice, body: ["address": "Str. Lunga 1, Brasov"])
        #expect(refused == 400)
        #expect(((json as? [String: Any])?["error"] as? String)?.contains("geocoder") == true)
        let (outOfRange, _) = try await harness.call("PUT", "/api/fleet/vehicles/\(id)/position", token: alice, body: ["lat": 95, "long": 26])
        #expect(outOfRange == 400)
        #expect(try await harness.count("SELECT count(*) FROM positions") == 0)

        let manualTime = WallClock.nowMilliseconds() - 60_000
        let (status, _) = try await harness.call(
            "PUT", "/api/fleet/vehicles/\(id)/position", token: alice,
            body: ["lat": 45.65, "long": 25.60, "address": "Brasov", "timestamp": UTCTime.iso8601(milliseconds: manualTime)])
        #expect(status == 200)
        var (_, map) = try await harness.call("GET", "/api/map/gps?vehicleId=\(id)", token: alice)
        var item = try #require(((map as? [String: Any])?["positions"] as? [[String: Any]])?.first)
        #expect(item["source"] as? String == "manual")
        #expect(item["lat"] as? Double == 45.65)
        let (_, near) = try await harness.call("GET", "/api/fleet/nearby?lat=45.6&long=25.6&radiusKm=20", token: alice)
        #expect(((near as? [String: Any])?["vehicles"] as? [[String: Any]])?.first?["vehicleId"] as? String == id)

        // A device fix older than the manual position does not displace it; a newer one does.
        let device = try await TestDeviceClient.connect(port: harness.devicePort)
        try await device.send(Teltonika.encodeIMEI(Self.imei))
        #expect(try await device.read(1) == [0x01])
        try await device.send(FrameFactory.codec8(records: [(manualTime - 30_000, 45.6500, 25.6000)]))
        _ = try await device.read(4)
        (_, map) = try await harness.call("GET", "/api/map/gps?vehicleId=\(id)", token: alice)
        item = try #require(((map as? [String: Any])?["positions"] as? [[String: Any]])?.first)
        #expect(item["source"] as? String == "manual")
        try await device.send(FrameFactory.codec8(records: [(manualTime + 30_000, 45.6510, 25.6010)]))
        _ = try await device.read(4)
        (_, map) = try await harness.call("GET", "/api/map/gps?vehicleId=\(id)", token: alice)
        item = try #require(((map as? [String: Any])?["positions"] as? [[String: Any]])?.first)
        #expect(item["source"] as? String == "device")
        #expect(item["lat"] as? Double == 45.651)
        await device.close()
        try await harness.stop()
    }
}

/// The per-user limits of a running engine: 429 with Retry-After, and one user's limit is not another's.
@Suite(.serialized) struct RateLimitEndToEndTests {
    @Test func fleetWritesPastTheLimitGet429() async throws {
        let harness = try await EngineHarness.start(tweak: { $0.rateLimits.fleetWritesPerHour = 3 })
        let alice = try await harness.token("user_alice")
        let bob = try await harness.token("user_bob")
        for k in 0..<3 {
            _ = try await harness.addVehicle(token: alice, plate: "B 8\(k) LIM", imei: nil)
        }
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(harness.httpPort)/api/fleet/add")!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(alice)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(#"{"type":"van","licensePlate":"B 89 LIM","capacity":{"weight":1000,"volume":10}}"#.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        #expect(http.statusCode == 429)
        #expect(Int(http.value(forHTTPHeaderField: "Retry-After") ?? "") ?? 0 > 0)
        #expect(String(decoding: data, as: UTF8.self).contains("\"error\""))
        #expect(try await harness.count("SELECT count(*) FROM vehicles WHERE user_id = 'user_alice'") == 3, "the refused add wrote nothing")
        // Reads are another group; bob has his own budget.
        let (list, _) = try await harness.call("GET", "/api/fleet/vehicles", token: alice)
        #expect(list == 200)
        _ = try await harness.addVehicle(token: bob, plate: "B 90 LIM", imei: nil)
        try await harness.stop()
    }
}
