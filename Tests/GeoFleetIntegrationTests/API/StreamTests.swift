import Foundation
import GeoFleetCore
import GeoFleetPlatform
import GeoFleetProtocols
import GeoFleetTestSupport
import Testing

/// `/api/stream` against a running engine: live GPS and status events, coalescing, resume, isolation.
@Suite(.serialized) struct StreamTests {
    static let imei = "356307042441013"

    @Test func liveEventsCoalescingResumeAndIsolation() async throws {
        let harness = try await EngineHarness.start()
        let alice = try await harness.token("user_alice")
        let bob = try await harness.token("user_bob")
        let id = try await harness.addVehicle(token: alice, plate: "B 60 STR", imei: Self.imei)
        _ = try await harness.addVehicle(token: bob, plate: "B 61 STR", imei: nil)

        let aliceStream = TestStreamClient(port: harness.httpPort, token: alice)
        let vehicleStream = TestStreamClient(port: harness.httpPort, query: "vehicleId=\(id)", token: alice)
        let bobStream = TestStreamClient(port: harness.httpPort, token: bob)
        for client in [aliceStream, vehicleStream, bobStream] {
            #expect(await client.waitUntil { !$0.isEmpty }, "stream_ready")
        }
        #expect(aliceStream.messages.first?["room"] as? String == "user_user_alice")
        #expect(vehicleStream.messages.first?["room"] as? String == "fleet_\(id)")

        // Ten fixes within about half a second: each subscriber gets at most one per second, and the newest.
        let device = try await TestDeviceClient.connect(port: harness.devicePort)
        try await device.send(Teltonika.encodeIMEI(Self.imei))
        #expect(try await device.read(1) == [0x01])
        let base = WallClock.nowMilliseconds() - 60_000
        let sendStarted = ContinuousClock.now
        for k in 0..<10 {
            try await device.send(FrameFactory.codec8(records: [(base + Int64(k) * 1000, 44.4300 + Double(k) * 1e-4, 26.1000)]))
            _ = try await device.read(4)
            try await Task.sleep(for: .milliseconds(50))
        }
        let sendTook = ContinuousClock.now - sendStarted
        #expect(
            await aliceStream.waitUntil { msgs in
                msgs.contains { ($0["data"] as? [String: Any])?["lat"] as? Double == 44.4309 }
            }, "the newest position arrives")
        let updates = aliceStream.events("fleet_gps_update")
        let seconds = Int((sendTook / .seconds(1)).rounded(.up))
        #expect(updates.count >= 2 && updates.count <= seconds + 2, "\(updates.count) updates for \(seconds) s of sending")
        #expect(await vehicleStream.waitUntil { $0.contains { ($0["data"] as? [String: Any])?["lat"] as? Double == 44.4309 } })

        // A status change reaches both of alice's streams, immediately.
        let (status, _) = try await harness.call("PUT", "/api/fleet/vehicles/\(id)", token: alice, body: ["status": "maintenance"])
        #expect(status == 200)
        #expect(await aliceStream.waitUntil { !$0.filter { $0["event"] as? String == "fleet_status_change" }.isEmpty })
        let change = try #require(aliceStream.events("fleet_status_change").first?["data"] as? [String: Any])
        #expect(change["from"] as? String == "active" && change["to"] as? String == "maintenance")

        // Bob saw none of it.
        try await Task.sleep(for: .milliseconds(300))
        #expect(bobStream.events("fleet_gps_update").isEmpty && bobStream.events("fleet_status_change").isEmpty)

        // Alice reconnects from a point before the status change: it is replayed.
        let resumeFrom = try #require(updates.first?["resume"] as? Int)
        await aliceStream.close()
        let (status2, _) = try await harness.call("PUT", "/api/fleet/vehicles/\(id)", token: alice, body: ["status": "active"])
        #expect(status2 == 200)
        let again = TestStreamClient(port: harness.httpPort, query: "resume=\(resumeFrom)", token: alice)
        #expect(
            await again.waitUntil { $0.filter { $0["event"] as? String == "fleet_status_change" }.count == 2 },
            "both status changes since the resume point")
        #expect(again.messages.first?["resumed"] as? Bool == true)

        // Deleting the vehicle ends its room's stream.
        #expect(vehicleStream.isEnded == false)
        _ = try await harness.call("DELETE", "/api/fleet/vehicles/\(id)", token: alice)
        #expect(await vehicleStream.waitUntil(timeout: .seconds(5)) { _ in vehicleStream.isEnded })

        // Refusals happen before the upgrade, over plain HTTP.
        let (other, _) = try await harness.call("GET", "/api/stream?vehicleId=\(UUIDString.random())", token: bob)
        #expect(other == 404)
        let (badResume, _) = try await harness.call("GET", "/api/stream?resume=soon", token: bob)
        #expect(badResume == 400)
        let (noToken, _) = try await harness.call("GET", "/api/stream", token: nil)
        #expect(noToken == 401)

        for client in [vehicleStream, bobStream, again] { await client.close() }
        await device.close()
        try await harness.stop()
    }
}
