import Foundation
import GeoFleetCore
import GeoFleetEvents
import GeoFleetPlatform
import GeoFleetPostGIS
import GeoFleetProtocols
import GeoFleetTracking
import GeoFleetTestSupport
import Testing

/// A truck driving a real road route of the Monaco extract (© OpenStreetMap contributors, ODbL), its
/// fixes sent as Teltonika frames over TCP: fences entered and left at the right fixes, no flapping at a
/// border, a deal through every state with rising progress, a restart in the middle, users kept apart.
@Suite(.serialized) struct TrackingEndToEndTests {
    static let imei = "356307042441777"
    let fontvieille: [String: Any] = ["lat": 43.7310, "long": 7.4200]
    let monteCarlo: [String: Any] = ["lat": 43.7450, "long": 7.4260]

    static func start(endpoint: DatabaseEndpoint? = nil, dataDirectory: String? = nil) async throws -> EngineHarness {
        let monaco = try OSRMServerProcess.osmFixture("monaco.osm.pbf")
        return try await EngineHarness.start(
            endpoint: endpoint, dataDirectory: dataDirectory,
            tweak: { c in
                c.routing.osmPath = monaco
                c.routing.profiles = ["car"]
                c.routing.defaultProfile = "car"
                c.tracking.progressInterval = .zero
                c.tracking.deals.fenceMetres = 120
                c.tracking.deals.transitMetres = 400
            })
    }

    static func events(_ harness: EngineHarness, token: String, query: String = "") async throws -> [[String: Any]] {
        let (status, json) = try await harness.call("GET", "/api/events?limit=1000\(query)", token: token)
        guard status == 200, let events = (json as? [String: Any])?["events"] as? [[String: Any]] else {
            throw HarnessError("events: \(status) \(String(describing: json))")
        }
        return events
    }

    @Test("a drive along a Monaco road: fences, a deal through every state, a restart in the middle, users apart")
    func driveThroughFencesAndDeal() async throws {
        let dataDirectory = FileManager.default.temporaryDirectory.path + "/geofleet-tracking-\(UUIDString.short())"
        var harness = try await Self.start(dataDirectory: dataDirectory)
        let endpoint = harness.endpoint
        let alice = try await harness.token("user_track_a")
        let bob = try await harness.token("user_track_b")
        let vehicleID = try await harness.addVehicle(token: alice, plate: "MC 1 TRK", imei: Self.imei)
        // Alice's webhook receiver is down (503) for the whole drive.
        let receiver = try await WebhookReceiver.start(down: true)
        let secret = "tracking-e2e-webhook-secret"
        let (hookStatus, _) = try await harness.call("POST", "/api/webhooks", token: alice, body: ["url": receiver.url, "secret": secret])
        #expect(hookStatus == 201)

        // The road route, from the router itself.
        let (routeStatus, routeJSON) = try await harness.call(
            "POST", "/api/routes/estimate", token: alice, body: ["from": fontvieille, "to": monteCarlo, "geometry": "geojson"])
        #expect(routeStatus == 200)
        let route = try #require(routeJSON as? [String: Any])
        let line = try #require((route["geometry"] as? [String: Any])?["coordinates"] as? [[Double]])
        let roadMeters = try #require(route["distanceMeters"] as? Double)
        #expect(line.count > 10)

        // Alice's fences: a 40 m circle on the road at 40 %, a corridor over the whole route, a square far away.
        let mid = SimulatedTruck.point(along: line, fraction: 0.4)
        let circle: [String: Any] = [
            "name": "roundabout", "area": ["type": "circle", "center": ["lat": mid[1], "long": mid[0]], "radiusMeters": 40],
        ]
        let corridor: [String: Any] = ["name": "planned route", "area": ["type": "corridor", "line": line, "widthMeters": 80], "speedLimitKmh": 20]
        let far: [String: Any] = [
            "name": "elsewhere",
            "area": ["type": "polygon", "coordinates": [[[7.30, 43.60], [7.31, 43.60], [7.31, 43.61], [7.30, 43.61], [7.30, 43.60]]]],
        ]
        // A circle whose border runs through the pickup, where the truck waits 7 minutes with GPS noise.
        let border: [String: Any] = [
            "name": "border", "area": ["type": "circle", "center": ["lat": line[0][1] + 60 / 111_195.0, "long": line[0][0]], "radiusMeters": 60],
        ]
        var fenceIDs: [String: String] = [:]
        for body in [circle, corridor, far, border] {
            let (status, json) = try await harness.call("POST", "/api/geofences", token: alice, body: body)
            #expect(status == 201)
            fenceIDs[body["name"] as! String] = try #require((json as? [String: Any])?["geofenceId"] as? String)
        }
        // Bob's fence on the same road: Alice's truck must not trigger it.
        let (bobStatus, bobJSON) = try await harness.call("POST", "/api/geofences", token: bob, body: circle)
        #expect(bobStatus == 201)
        let bobFence = try #require((bobJSON as? [String: Any])?["geofenceId"] as? String)

        // The marketplace assigns a cargo from the start of the route to its end.
        let (assignStatus, _) = try await harness.call(
            "PUT", "/api/fleet/vehicles/\(vehicleID)", token: alice,
            body: [
                "currentCargoId": "cargo-e2e-1",
                "currentCargo": ["pickup": ["lat": line[0][1], "long": line[0][0]], "delivery": ["lat": line.last![1], "long": line.last![0]]],
            ])
        #expect(assignStatus == 200)

        let start = WallClock.nowMilliseconds() - 3 * 3_600_000
        let fixes = SimulatedTruck.fixes(line: line, start: start, speedKmh: 30, stopAtStart: 420_000, stopAtEnd: 420_000)
        var device = try await TestDeviceClient.connect(port: harness.devicePort)
        try await device.send(Teltonika.encodeIMEI(Self.imei))
        #expect(try await device.read(1) == [0x01])

        var progress: [Double] = []
        let chunks = stride(from: 0, to: fixes.count, by: 6).map { Array(fixes[$0..<min($0 + 6, fixes.count)]) }
        for (n, chunk) in chunks.enumerated() {
            if n == chunks.count / 2 {
                // A restart in the middle of the drive: the evaluator's state and the deal survive it.
                await device.close()
                try await harness.stop()
                harness = try await Self.start(endpoint: endpoint, dataDirectory: dataDirectory)
                device = try await TestDeviceClient.connect(port: harness.devicePort)
                try await device.send(Teltonika.encodeIMEI(Self.imei))
                #expect(try await device.read(1) == [0x01])
            }
            try await device.send(FrameFactory.codec8(records: chunk.map { ($0.time, $0.lat, $0.lon) }, speed: 30))
            #expect(FrameFactory.ackCount(try await device.read(4)) == chunk.count)
            try await harness.waitForEvaluation()
            await harness.engine.dealProgress.updateDue()
            let (status, json) = try await harness.call("GET", "/api/deals/cargo-e2e-1/progress", token: alice)
            #expect(status == 200)
            progress.append(try #require((json as? [String: Any])?["progress"] as? Double))
        }

        // Progress along the road never goes back, and ends delivered at 100 %.
        #expect(zip(progress, progress.dropFirst()).allSatisfy { $0 <= $1 }, "progress \(progress)")
        #expect(progress.last == 100)
        #expect(progress.contains { $0 > 20 && $0 < 80 }, "progress \(progress)")
        let (_, dealJSON) = try await harness.call("GET", "/api/deals/cargo-e2e-1/progress", token: alice)
        let deal = try #require(dealJSON as? [String: Any])
        #expect(deal["state"] as? String == "delivered")
        #expect(deal["vehicleId"] as? String == vehicleID)
        let timeline = try #require(deal["timeline"] as? [[String: Any]]).compactMap { $0["state"] as? String }
        #expect(timeline == ["assigned", "at_pickup", "loaded", "in_transit", "at_delivery", "delivered"])
        let routeMeters = try #require(deal["routeDistanceMeters"] as? Double)
        #expect(abs(routeMeters / roadMeters - 1) < 0.05)

        // Fence events: the circle entered and left once, in that order; the corridor entered once
        // (before the restart) and never left; nothing from the far polygon or Bob's fence.
        let events = try await Self.events(harness, token: alice, query: "&vehicleId=\(vehicleID)")
        func of(_ fence: String?) -> [String] {
            events.filter { $0["geofenceId"] as? String == fence }.compactMap { $0["type"] as? String }
        }
        #expect(of(fenceIDs["roundabout"]) == ["geofence_enter", "geofence_exit"])
        #expect(of(fenceIDs["planned route"]).filter { $0 == "geofence_enter" }.count == 1)
        #expect(!of(fenceIDs["planned route"]).contains("geofence_exit"))
        #expect(of(fenceIDs["elsewhere"]).isEmpty)
        // 42 noisy fixes on the border: no flapping, at most one way in and one way out.
        let atBorder = of(fenceIDs["border"])
        #expect(atBorder.filter { $0 == "geofence_enter" }.count <= 1 && atBorder.filter { $0 == "geofence_exit" }.count <= 1, "\(atBorder)")
        // 30 km/h in the corridor's 20 km/h limit: one overspeed, not one per fix, not again after the restart.
        #expect(of(fenceIDs["planned route"]).filter { $0 == "overspeed" }.count == 1)
        #expect(of(bobFence).isEmpty)
        // The circle's enter lies within its radius plus the accuracy band of its centre, at a fix time.
        let enter = try #require(events.first { $0["geofenceId"] as? String == fenceIDs["roundabout"] && $0["type"] as? String == "geofence_enter" })
        let data = try #require(enter["data"] as? [String: Any])
        let d = GreatCircle.distanceMeters(lat1: data["lat"] as? Double ?? 0, lon1: data["long"] as? Double ?? 0, lat2: mid[1], lon2: mid[0])
        #expect(d <= 40 + 20, "entered \(d) m from the centre")
        // Deal steps were events too, once each, in order.
        let dealEvents = events.filter { $0["type"] as? String == "deal_status_update" }.compactMap { $0["data"] as? [String: Any] }
        let dealSteps = dealEvents.filter { $0["change"] as? String == "state" }.compactMap { $0["state"] as? String }
        #expect(dealSteps == ["assigned", "at_pickup", "loaded", "in_transit", "at_delivery", "delivered"])
        // Progress updates came as events too, each with rising progress.
        let progressEvents = dealEvents.filter { $0["change"] as? String == "progress" }.compactMap { $0["progress"] as? Double }
        #expect(progressEvents.count >= 3)
        #expect(zip(progressEvents, progressEvents.dropFirst()).allSatisfy { $0 <= $1 }, "\(progressEvents)")
        // Event ids are unique (a replay after the restart stored nothing twice).
        let ids = events.compactMap { $0["id"] as? String }
        #expect(Set(ids).count == ids.count)

        // Trips: one drive between the stop at the pickup and the stop at the delivery.
        let from = UTCTime.iso8601(milliseconds: start - 60_000), to = UTCTime.iso8601(milliseconds: fixes.last!.time + 60_000)
        let (tripStatus, tripJSON) = try await harness.call("GET", "/api/fleet/vehicles/\(vehicleID)/trips?from=\(from)&to=\(to)", token: alice)
        #expect(tripStatus == 200)
        let trips = try #require((tripJSON as? [String: Any])?["trips"] as? [[String: Any]])
        #expect(trips.count == 1)
        // The drive between the stops against the fixes sent: from the last fix within 100 m (the stop
        // radius) of the pickup to the first within 100 m of the delivery.
        let tripMeters = trips.first?["distanceMeters"] as? Double ?? 0
        func metres(_ a: SimulatedTruck.Fix, _ lat: Double, _ lon: Double) -> Double {
            GreatCircle.distanceMeters(lat1: a.lat, lon1: a.lon, lat2: lat, lon2: lon)
        }
        let departure = try #require(fixes.lastIndex { metres($0, line[0][1], line[0][0]) <= 100 })
        let arrival = try #require(fixes.firstIndex { metres($0, line.last![1], line.last![0]) <= 100 })
        var driven = 0.0
        for i in departure..<arrival { driven += metres(fixes[i], fixes[i + 1].lat, fixes[i + 1].lon) }
        #expect(abs(tripMeters / driven - 1) < 0.1, "trip \(tripMeters) m, fixes \(driven) m")

        // Connectivity: online while the device is connected; the last fix is hours old, so offline once it hangs up.
        let (_, list) = try await harness.call("GET", "/api/fleet/vehicles", token: alice)
        #expect(((list as? [String: Any])?["vehicles"] as? [[String: Any]])?.first?["connectivity"] as? String == "online")
        try await harness.engine.connectivity.sweep()
        await device.close()
        // The server notices the hang-up when its side of the socket closes: a moment, longer on a busy box.
        var connectivity: String?
        let hungUp = ContinuousClock.now + .seconds(10)
        repeat {
            try await Task.sleep(for: .milliseconds(100))
            let (_, map) = try await harness.call("GET", "/api/map/gps", token: alice)
            connectivity = ((map as? [String: Any])?["positions"] as? [[String: Any]])?.first?["connectivity"] as? String
        } while connectivity == "online" && ContinuousClock.now < hungUp
        #expect(connectivity == "offline")
        #expect(try await harness.engine.connectivity.sweep() == 1)
        let status = try await Self.events(harness, token: alice, query: "&type=fleet_status_change")
        #expect(status.compactMap { ($0["data"] as? [String: Any])?["to"] as? String } == ["online", "offline"])

        // The receiver comes up: every one of Alice's events arrives once, signed, in order per vehicle.
        let all = try await Self.events(harness, token: alice)
        receiver.setDown(false)
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline, Set(receiver.accepted.map(\.eventID)).count < all.count {
            try await Task.sleep(for: .milliseconds(200))
        }
        let delivered = receiver.accepted
        #expect(delivered.map(\.eventID) == all.compactMap { $0["id"] as? String }, "\(delivered.count) of \(all.count)")
        #expect(delivered.allSatisfy { $0.signature == WebhookSignature.header(secret: secret, body: $0.body) })
        #expect(receiver.refused > 0)
        await receiver.stop()

        // Bob sees none of it.
        #expect(try await Self.events(harness, token: bob).isEmpty)
        #expect(try await harness.call("GET", "/api/deals/cargo-e2e-1/progress", token: bob).status == 404)
        let (_, bobFences) = try await harness.call("GET", "/api/geofences", token: bob)
        #expect(((bobFences as? [String: Any])?["geofences"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [bobFence])
        #expect(try await harness.call("GET", "/api/geofences/\(fenceIDs["roundabout"]!)", token: bob).status == 404)
        #expect(try await harness.call("DELETE", "/api/geofences/\(fenceIDs["roundabout"]!)", token: bob).status == 404)
        try await harness.stop()
    }
}
