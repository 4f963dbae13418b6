import Foundation
import GeoFleetCore
import GeoFleetProtocols
import GeoFleetTestSupport
import Testing

/// Two users with many vehicles each, parked on the same streets: no endpoint, filter, page or
/// stream shows one user's vehicle or position to the other.
@Suite(.serialized) struct IsolationTests {
    static let perUser = 25

    @Test func noEndpointLeaksAnotherUsersVehicles() async throws {
        let harness = try await EngineHarness.start()
        let alice = try await harness.token("user_alice")
        let bob = try await harness.token("user_bob")
        var ids: [String: [String]] = ["alice": [], "bob": []]
        // Same plates for both users, and positions interleaved on the same few streets.
        for k in 0..<Self.perUser {
            for (name, token) in [("alice", alice), ("bob", bob)] {
                let id = try await harness.addVehicle(token: token, plate: "CJ \(10 + k) ISO", imei: nil)
                ids[name]!.append(id)
                let lat = 46.77 + Double(k % 5) * 0.001 + (name == "bob" ? 0.0001 : 0)
                let (status, _) = try await harness.call(
                    "PUT", "/api/fleet/vehicles/\(id)/position", token: token,
                    body: ["lat": lat, "long": 23.59 + Double(k / 5) * 0.001])
                #expect(status == 200)
            }
        }
        let aliceIDs = Set(ids["alice"]!), bobIDs = Set(ids["bob"]!)
        let bobStream = TestStreamClient(port: harness.httpPort, token: bob)
        #expect(await bobStream.waitUntil { !$0.isEmpty })

        // Lists: every page, every filter, every sort, and a search that matches both users' plates.
        for query in ["", "search=ISO", "status=active", "sort=-license", "sort=status"] {
            var seen: Set<String> = []
            for page in 1...4 {
                let (status, json) = try await harness.call("GET", "/api/fleet/vehicles?limit=10&page=\(page)&\(query)", token: bob)
                #expect(status == 200)
                let body = try #require(json as? [String: Any])
                for v in body["vehicles"] as? [[String: Any]] ?? [] { seen.insert(v["id"] as? String ?? "") }
                #expect((body["pagination"] as? [String: Any])?["total"] as? Int == Self.perUser, "\(query)")
            }
            #expect(seen == bobIDs, "list \(query)")
        }

        // The map: all of bob's, none of alice's; alice's vehicle by id is not found.
        let (_, map) = try await harness.call("GET", "/api/map/gps", token: bob)
        let mapped = Set(((map as? [String: Any])?["positions"] as? [[String: Any]] ?? []).compactMap { $0["vehicleId"] as? String })
        #expect(mapped == bobIDs)
        let aliceVehicle = ids["alice"]![0]
        #expect(try await harness.call("GET", "/api/map/gps?vehicleId=\(aliceVehicle)", token: bob).status == 404)

        // Nearby, right on top of alice's vehicles with a huge radius and limit.
        let (_, near) = try await harness.call("GET", "/api/fleet/nearby?lat=46.77&long=23.59&radiusKm=500&limit=500", token: bob)
        let nearIDs = Set(((near as? [String: Any])?["vehicles"] as? [[String: Any]] ?? []).compactMap { $0["vehicleId"] as? String })
        #expect(nearIDs == bobIDs)

        // Every per-vehicle call on alice's vehicle: 404, and nothing changed.
        for (method, path, body) in [
            ("GET", "/api/fleet/vehicles/\(aliceVehicle)/track", nil),
            ("PUT", "/api/fleet/vehicles/\(aliceVehicle)", ["status": "inactive"] as [String: Any]?),
            ("PUT", "/api/fleet/vehicles/\(aliceVehicle)/position", ["lat": 45.0, "long": 25.0]),
            ("DELETE", "/api/fleet/vehicles/\(aliceVehicle)", nil),
            ("GET", "/api/stream?vehicleId=\(aliceVehicle)", nil),
        ] {
            let (status, _) = try await harness.call(method, path, token: bob, body: body)
            #expect(status == 404, "\(method) \(path)")
        }
        #expect(try await harness.count("SELECT count(*) FROM vehicles WHERE user_id = 'user_alice' AND status = 'active'") == Self.perUser)
        let (_, aliceMap) = try await harness.call("GET", "/api/map/gps?vehicleId=\(aliceVehicle)", token: alice)
        #expect((((aliceMap as? [String: Any])?["positions"] as? [[String: Any]])?.first?["lat"] as? Double) == 46.77)

        // Alice's live changes never reach bob's stream.
        _ = try await harness.call("PUT", "/api/fleet/vehicles/\(aliceVehicle)", token: alice, body: ["status": "maintenance"])
        _ = try await harness.call("PUT", "/api/fleet/vehicles/\(aliceVehicle)/position", token: alice, body: ["lat": 46.7, "long": 23.5])
        try await Task.sleep(for: .milliseconds(500))
        let leaked = bobStream.messages.filter { message in
            guard let data = message["data"] as? [String: Any], let id = data["vehicleId"] as? String else { return false }
            return aliceIDs.contains(id)
        }
        #expect(leaked.isEmpty)
        #expect(bobStream.events("fleet_gps_update").isEmpty, "bob's own vehicles did not move after he connected")
        await bobStream.close()
        try await harness.stop()
    }
}
