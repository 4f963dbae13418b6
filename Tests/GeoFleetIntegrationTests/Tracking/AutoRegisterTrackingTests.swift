import Foundation
import GeoFleetCore
import GeoFleetPlatform
import GeoFleetProtocols
import GeoFleetTestSupport
import Testing

/// A device that registered itself is a vehicle like any other from its first frame: on the map, and
/// its positions evaluated against its owner's fences (a fence outside its schedule stays silent).
@Suite(.serialized) struct AutoRegisterTrackingTests {
    @Test func autoRegisteredVehicleIsOnTheMapAndEnteringFences() async throws {
        let harness = try await EngineHarness.start(tweak: {
            $0.devices.autoRegister = true
            $0.devices.autoRegisterOwner = "user_auto"
        })
        let owner = try await harness.token("user_auto")
        let depot: [String: Any] = ["name": "depot", "area": ["type": "circle", "center": ["lat": 44.43, "long": 26.10], "radiusMeters": 200]]
        let (created, fence) = try await harness.call("POST", "/api/geofences", token: owner, body: depot)
        #expect(created == 201)
        let fenceID = try #require((fence as? [String: Any])?["geofenceId"] as? String)
        // The same depot with a schedule twelve hours away from now: it follows the truck but says nothing.
        let hour = (Int(WallClock.nowMilliseconds() / 3_600_000 % 24) + 12) % 24
        var quiet = depot
        quiet["schedule"] = ["from": String(format: "%02d:00", hour), "to": String(format: "%02d:30", hour)]
        #expect(try await harness.call("POST", "/api/geofences", token: owner, body: quiet).status == 201)

        let device = try await TestDeviceClient.connect(port: harness.devicePort)
        try await device.send(Teltonika.encodeIMEI("356307042449911"))
        #expect(try await device.read(1) == [0x01])
        let start = WallClock.nowMilliseconds() - 600_000
        // Six fixes northwards through the depot, 30 s and 222 m apart.
        var fixes: [(time: Int64, lat: Double, lon: Double)] = []
        for i in 0..<6 {
            let lat: Double = 44.42 + Double(i) * 0.002
            fixes.append((start + Int64(i) * 30_000, lat, 26.10))
        }
        try await device.send(FrameFactory.codec8(records: fixes, speed: 40))
        #expect(FrameFactory.ackCount(try await device.read(4)) == 6)

        let (_, map) = try await harness.call("GET", "/api/map/gps", token: owner)
        #expect(((map as? [String: Any])?["positions"] as? [[String: Any]])?.count == 1)
        var types: [String] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let (_, json) = try await harness.call("GET", "/api/events?type=geofence_enter", token: owner)
            types = ((json as? [String: Any])?["events"] as? [[String: Any]])?.compactMap { $0["geofenceId"] as? String } ?? []
            if !types.isEmpty { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(types == [fenceID])
        await device.close()
        try await harness.stop()
    }
}
