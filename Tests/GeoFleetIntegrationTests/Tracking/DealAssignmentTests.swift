import Foundation
import GeoFleetCore
import GeoFleetPlatform
import GeoFleetProtocols
import GeoFleetTestSupport
import Testing

/// A deal starts with the vehicle's next fix after the marketplace assigns cargo, and ends (its fences
/// gone, the deal still readable) when the cargo is taken away; a new cargo starts a new deal.
@Suite(.serialized) struct DealAssignmentTests {
    static let imei = "356307042441888"

    func cargo(_ id: String?, pickupLat: Double) -> [String: Any] {
        guard let id else { return ["currentCargoId": NSNull(), "currentCargo": NSNull()] }
        return [
            "currentCargoId": id,
            "currentCargo": ["pickup": ["lat": pickupLat, "long": 26.10], "delivery": ["lat": pickupLat + 0.5, "long": 26.10]],
        ]
    }

    func dealFences(_ harness: EngineHarness, _ token: String) async throws -> [String] {
        let (_, json) = try await harness.call("GET", "/api/geofences", token: token)
        return ((json as? [String: Any])?["geofences"] as? [[String: Any]])?.compactMap { $0["cargoId"] as? String } ?? []
    }

    @Test func assignTakeAwayAndAssignAgain() async throws {
        let harness = try await EngineHarness.start()
        let token = try await harness.token("user_deals")
        let vehicle = try await harness.addVehicle(token: token, plate: "B 22 DEA", imei: Self.imei)
        let device = try await TestDeviceClient.connect(port: harness.devicePort)
        try await device.send(Teltonika.encodeIMEI(Self.imei))
        #expect(try await device.read(1) == [0x01])
        var time = WallClock.nowMilliseconds() - 3_600_000
        func fix() async throws {
            time += 60_000
            try await device.send(FrameFactory.codec8(records: [(time, 44.0, 26.10)], speed: 0))
            #expect(FrameFactory.ackCount(try await device.read(4)) == 1)
            try await harness.waitForEvaluation()
        }

        #expect(try await harness.call("PUT", "/api/fleet/vehicles/\(vehicle)", token: token, body: cargo("cargo-a", pickupLat: 44.2)).status == 200)
        // Assigned, no fix yet: the answer comes from the assignment itself.
        let (pendingStatus, pending) = try await harness.call("GET", "/api/deals/cargo-a/progress", token: token)
        #expect(pendingStatus == 200)
        #expect((pending as? [String: Any])?["state"] as? String == "assigned")
        try await fix()
        #expect(try await dealFences(harness, token) == ["cargo-a", "cargo-a"])
        #expect(try await harness.count("SELECT count(*) FROM deals WHERE active") == 1)

        #expect(try await harness.call("PUT", "/api/fleet/vehicles/\(vehicle)", token: token, body: cargo(nil, pickupLat: 0)).status == 200)
        try await fix()
        #expect(try await dealFences(harness, token).isEmpty)
        let (_, ended) = try await harness.call("GET", "/api/deals/cargo-a/progress", token: token)
        #expect((ended as? [String: Any])?["active"] as? Bool == false)

        #expect(try await harness.call("PUT", "/api/fleet/vehicles/\(vehicle)", token: token, body: cargo("cargo-b", pickupLat: 44.3)).status == 200)
        try await fix()
        try await fix()
        #expect(try await dealFences(harness, token) == ["cargo-b", "cargo-b"])
        #expect(try await harness.count("SELECT count(*) FROM deals") == 2)
        #expect(try await harness.count("SELECT count(*) FROM deals WHERE active") == 1)
        #expect(try await harness.count("SELECT count(*) FROM fleet_events WHERE type = 'deal_status_update'") == 2)
        await device.close()
        try await harness.stop()
    }
}
