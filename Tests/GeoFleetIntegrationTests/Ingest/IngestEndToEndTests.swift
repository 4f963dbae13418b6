import Foundation
import GeoFleetCore
import GeoFleetPlatform
import GeoFleetProtocols
import GeoFleetTestSupport
import Testing

/// Real Teltonika sessions over TCP against a running engine on a real PostGIS.
@Suite(.serialized)
struct IngestEndToEndTests {
    static let imeiA = "356307042441013"

    @Test("a real Codec 8 frame: handshake, ACK after durability, exact values in PostGIS, map and track")
    func realFrameEndToEnd() async throws {
        // The frame was recorded on 2019-01-04; the engine's clock is set to that day so the fix is current.
        let frameTime: Int64 = 1_546_604_839_000
        let harness = try await EngineHarness.start(now: { frameTime + 60_000 })
        let alice = try await harness.token("user_alice")
        let vehicleID = try await harness.addVehicle(token: alice, plate: "B 101 ABC", imei: Self.imeiA)

        let device = try await TestDeviceClient.connect(port: harness.devicePort)
        try await device.send(Teltonika.encodeIMEI(Self.imeiA))
        #expect(try await device.read(1) == [0x01])
        try await device.send(try FixtureFrames.bytes(path: "teltonika/teltonika-tcp.json", "traccar-codec8-vienna"))
        #expect(try await device.read(4) == [0, 0, 0, 1])

        // Acknowledged means durable; PostGIS follows within the writer's batch delay.
        let stored = try await harness.waitForCount("SELECT count(*) FROM positions", equals: 1)
        #expect(stored == 1)
        let lat = try await harness.count("SELECT (ST_Y(geom) * 1e7)::bigint FROM positions")
        let lon = try await harness.count("SELECT (ST_X(geom) * 1e7)::bigint FROM positions")
        #expect(lat == 481_523_066)
        #expect(lon == 163_745_183)
        #expect(try await harness.count("SELECT (extract(epoch FROM fix_time) * 1000)::bigint FROM positions") == Int(frameTime))
        #expect(try await harness.count("SELECT speed_kmh::int FROM positions") == 83)
        #expect(try await harness.count("SELECT altitude::int FROM positions") == 190)
        #expect(try await harness.count("SELECT satellites FROM positions") == 15)
        #expect(try await harness.count("SELECT (attributes->>'66')::int FROM positions") == 0x3799)
        #expect(try await harness.count("SELECT count(*) FROM positions_default") == 0)

        let (status, json) = try await harness.call("GET", "/api/map/gps", token: alice)
        #expect(status == 200)
        let positions = try #require((json as? [String: Any])?["positions"] as? [[String: Any]])
        #expect(positions.count == 1)
        #expect(positions.first?["vehicleId"] as? String == vehicleID)
        #expect(positions.first?["lat"] as? Double == 48.1523066)
        #expect(positions.first?["long"] as? Double == 16.3745183)
        #expect(positions.first?["timestamp"] as? String == "2019-01-04T12:27:19.000Z")
        #expect(positions.first?["source"] as? String == "device")

        let track = try await harness.call(
            "GET", "/api/fleet/vehicles/\(vehicleID)/track?from=2019-01-04T00:00:00Z&to=2019-01-05T00:00:00Z", token: alice)
        #expect(track.status == 200)
        let points = try #require((track.json as? [String: Any])?["positions"] as? [[String: Any]])
        #expect(points.count == 1)
        #expect(points.first?["speed"] as? Double == 83)

        // The same frame again (a resend after a lost ACK): acknowledged, not stored twice.
        try await device.send(try FixtureFrames.bytes(path: "teltonika/teltonika-tcp.json", "traccar-codec8-vienna"))
        #expect(try await device.read(4) == [0, 0, 0, 1])
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await harness.count("SELECT count(*) FROM positions") == 1)
        await device.close()
        try await harness.stop()
    }

    @Test("unknown IMEI refused; bad CRC unacknowledged; garbage closes only its own connection")
    func badDevicesHarmNobodyElse() async throws {
        let harness = try await EngineHarness.start()
        let alice = try await harness.token("user_alice")
        _ = try await harness.addVehicle(token: alice, plate: "CJ 22 XYZ", imei: Self.imeiA)
        let now = WallClock.nowMilliseconds()

        let stranger = try await TestDeviceClient.connect(port: harness.devicePort)
        try await stranger.send(Teltonika.encodeIMEI("490154203237518"))
        #expect(try await stranger.read(1) == [0x00])
        #expect(await stranger.waitForClose())

        let good = try await TestDeviceClient.connect(port: harness.devicePort)
        try await good.send(Teltonika.encodeIMEI(Self.imeiA))
        #expect(try await good.read(1) == [0x01])

        let vandal = try await TestDeviceClient.connect(port: harness.devicePort)
        try await vandal.send(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(await vandal.waitForClose())

        var frame = FrameFactory.codec8(records: [(now - 5000, 46.7700, 23.5900)])
        frame[frame.count - 1] ^= 0xFF // break the CRC
        try await good.send(frame)
        #expect(try await good.read(4, timeout: .milliseconds(500)) == nil)

        // The connection survives the bad CRC, and the device's next frame is taken.
        try await good.send(FrameFactory.codec8(records: [(now - 5000, 46.7700, 23.5900), (now - 4000, 46.7701, 23.5901)]))
        #expect(FrameFactory.ackCount(try await good.read(4)) == 2)
        #expect(try await harness.waitForCount("SELECT count(*) FROM positions", equals: 2) == 2)

        // Split across many reads: the frame is reassembled.
        let split = FrameFactory.codec8(records: [(now - 3000, 46.7702, 23.5902)])
        for byte in split {
            try await good.send([byte])
        }
        #expect(FrameFactory.ackCount(try await good.read(4)) == 1)
        #expect(try await harness.waitForCount("SELECT count(*) FROM positions", equals: 3) == 3)
        await good.close()
        try await harness.stop()
    }

    @Test("isolation: another user gets 404 and never sees the vehicle in lists or nearby")
    func isolation() async throws {
        let harness = try await EngineHarness.start()
        let alice = try await harness.token("user_alice")
        let bob = try await harness.token("user_bob")
        let aliceVehicle = try await harness.addVehicle(token: alice, plate: "B 01 AAA", imei: Self.imeiA)
        let bobVehicle = try await harness.addVehicle(token: bob, plate: "B 02 BBB", imei: "356307042441014")
        let now = WallClock.nowMilliseconds()
        for (imei, lat) in [(Self.imeiA, 44.43), ("356307042441014", 44.44)] {
            let device = try await TestDeviceClient.connect(port: harness.devicePort)
            try await device.send(Teltonika.encodeIMEI(imei))
            #expect(try await device.read(1) == [0x01])
            try await device.send(FrameFactory.codec8(records: [(now - 1000, lat, 26.10)]))
            #expect(FrameFactory.ackCount(try await device.read(4)) == 1)
            await device.close()
        }
        _ = try await harness.waitForCount("SELECT count(*) FROM positions", equals: 2)

        #expect(try await harness.call("GET", "/api/fleet/vehicles/\(aliceVehicle)/track", token: bob).status == 404)
        #expect(try await harness.call("GET", "/api/map/gps?vehicleId=\(aliceVehicle)", token: bob).status == 404)
        let list = try await harness.call("GET", "/api/fleet/vehicles", token: bob)
        let ids = ((list.json as? [String: Any])?["vehicles"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
        #expect(ids == [bobVehicle])
        let nearby = try await harness.call("GET", "/api/fleet/nearby?lat=44.43&long=26.10&radiusKm=100&limit=10", token: bob)
        let near = ((nearby.json as? [String: Any])?["vehicles"] as? [[String: Any]])?.compactMap { $0["vehicleId"] as? String }
        #expect(near == [bobVehicle])
        let aliceNear = try await harness.call("GET", "/api/fleet/nearby?lat=44.43&long=26.10&radiusKm=100", token: alice)
        let aliceItems = try #require((aliceNear.json as? [String: Any])?["vehicles"] as? [[String: Any]])
        #expect(aliceItems.map { $0["vehicleId"] as? String } == [aliceVehicle])
        #expect((aliceItems.first?["distanceKm"] as? Double) == 0)
        let gps = try await harness.call("GET", "/api/map/gps", token: bob)
        let gpsIDs = ((gps.json as? [String: Any])?["positions"] as? [[String: Any]])?.compactMap { $0["vehicleId"] as? String }
        #expect(gpsIDs == [bobVehicle])
        try await harness.stop()
    }

    @Test("API input and auth errors answer with the contract's error shape")
    func apiErrors() async throws {
        let harness = try await EngineHarness.start()
        let alice = try await harness.token("user_alice")
        let trial = try await harness.token("user_trial", plan: "trial")
        #expect(try await harness.call("GET", "/healthz", token: nil).status == 200)
        let noToken = try await harness.call("GET", "/api/fleet/vehicles", token: nil)
        #expect(noToken.status == 401)
        #expect((noToken.json as? [String: Any])?["error"] as? String == "missing bearer token")
        #expect(try await harness.call("GET", "/api/fleet/vehicles", token: "not.a.jwt").status == 401)
        let forbidden = try await harness.call("GET", "/api/fleet/vehicles", token: trial)
        #expect(forbidden.status == 403)
        #expect(((forbidden.json as? [String: Any])?["error"] as? String)?.contains("pro plan") == true)
        let badType = try await harness.call(
            "POST", "/api/fleet/add", token: alice,
            body: ["type": "spaceship", "licensePlate": "X1", "capacity": ["weight": 1, "volume": 1]])
        #expect(badType.status == 400)
        let unknown = try await harness.call(
            "POST", "/api/fleet/add", token: alice,
            body: ["type": "van", "licensePlate": "X1", "capacity": ["weight": 1, "volume": 1], "color": "red"])
        #expect(unknown.status == 400)
        #expect((unknown.json as? [String: Any])?["error"] as? String == "unknown field(s): color")
        let badLat = try await harness.call(
            "POST", "/api/fleet/add", token: alice,
            body: [
                "type": "van", "licensePlate": "X1", "capacity": ["weight": 1, "volume": 1],
                "manualPosition": ["lat": 123, "long": 1],
            ])
        #expect(badLat.status == 400)
        #expect(try await harness.call("POST", "/api/fleet/add", token: alice, rawBody: Data("{not json".utf8)).status == 400)
        #expect(try await harness.call("GET", "/api/fleet/nearby?lat=abc&long=1", token: alice).status == 400)
        #expect(try await harness.call("GET", "/api/fleet/vehicles/not-a-uuid/track", token: alice).status == 400)
        #expect(try await harness.call("GET", "/api/fleet/vehicles?limit=1000", token: alice).status == 400)
        // Nothing was written by any refused request.
        #expect(try await harness.count("SELECT count(*) FROM vehicles") == 0)

        // A manual position shows on the map with source "manual".
        let (status, json) = try await harness.call(
            "POST", "/api/fleet/add", token: alice,
            body: [
                "type": "van", "licensePlate": "B 77 MAN", "capacity": ["weight": 3500, "volume": 12],
                "manualPosition": ["lat": 45.75, "long": 21.23, "address": "Timisoara"],
            ])
        #expect(status == 201)
        let id = try #require((json as? [String: Any])?["vehicleId"] as? String)
        let gps = try await harness.call("GET", "/api/map/gps?vehicleId=\(id)", token: alice)
        let item = try #require(((gps.json as? [String: Any])?["positions"] as? [[String: Any]])?.first)
        #expect(item["source"] as? String == "manual")
        #expect(item["lat"] as? Double == 45.75)
        #expect(
            try await harness.call(
                "POST", "/api/fleet/add", token: alice,
                body: ["type": "van", "licensePlate": "B 77 MAN", "capacity": ["weight": 1, "volume": 1]]
            ).status == 409)
        let page = try await harness.call("GET", "/api/fleet/vehicles?search=77&status=active", token: alice)
        #expect((((page.json as? [String: Any])?["pagination"] as? [String: Any])?["total"] as? Int) == 1)
        try await harness.stop()
    }
}
