import Foundation
import GeoFleetCore
import GeoFleetPlatform
import GeoFleetPostGIS
import GeoFleetTestSupport
import Testing

/// Cargo ↔ vehicle matching on a daemon routing over Andorra (© OpenStreetMap contributors, ODbL):
/// valleys make straight-line and road distances disagree.
@Suite(.serialized) struct MatchAPITests {
    static var canillo: [String: Any] { ["lat": 42.5665, "long": 1.6005] }
    static var santJulia: [String: Any] { ["lat": 42.4637, "long": 1.4913] }

    static func start(dataDirectory: String? = nil, endpoint: DatabaseEndpoint? = nil) async throws -> EngineHarness {
        let andorra = try OSRMServerProcess.osmFixture("andorra.osm.pbf")
        return try await EngineHarness.start(
            endpoint: endpoint, dataDirectory: dataDirectory,
            tweak: { configuration in
                configuration.routing.osmPath = andorra
                configuration.routing.profiles = ["van", "articulated"]
                configuration.rateLimits.routingPerMinute = 0
            })
    }

    static func iso(_ ms: Int64) -> String { UTCTime.iso8601(milliseconds: ms) }
    static var nowMs: Int64 { WallClock.nowMilliseconds() }

    /// Adds a vehicle with a tracker; returns its id and IMEI.
    static func vehicle(
        _ harness: EngineHarness, token: String, plate: String, imei: String, type: String = "truck",
        weight: Double = 24_000, volume: Double = 90
    ) async throws -> String {
        let body: [String: Any] = ["type": type, "licensePlate": plate, "capacity": ["weight": weight, "volume": volume], "gpsDeviceId": imei]
        let (status, json) = try await harness.call("POST", "/api/fleet/add", token: token, body: body)
        #expect(status == 201)
        return try #require((json as? [String: Any])?["vehicleId"] as? String)
    }

    /// Feeds device fixes for `imei` through the ingest pipeline (as a tracker's frame would).
    static func fixes(_ harness: EngineHarness, imei: String, _ points: [(time: Int64, lat: Double, long: Double, speed: Double)]) async throws {
        let binding = try #require(try await harness.engine.store.binding(uniqueID: imei))
        let outcome = try await harness.engine.pipeline.ingest(
            points.map { DeviceFix(fixTime: $0.time, latitude: $0.lat, longitude: $0.long, speedKmh: $0.speed, satellites: 9) }, from: binding)
        #expect(outcome.stored == points.count)
    }

    static func putCargo(_ harness: EngineHarness, id: String, token: String, _ body: [String: Any]) async throws -> Int {
        try await harness.call("PUT", "/api/cargo/\(id)", token: token, body: body).status
    }

    @Test("vehicles for a load: road ETAs rank a valley away behind a farther truck; capacity, driving time and a stale position count")
    func vehiclesForCargo() async throws {
        let harness = try await Self.start()
        let carrier = try await harness.token("carrier_a")
        let service = try await harness.engine.tokens.sign(sub: "marketplace", plan: "pro", role: "service")
        let now = Self.nowMs
        let encamp = try await Self.vehicle(harness, token: carrier, plate: "AND 1", imei: "356307042441001")
        let vella = try await Self.vehicle(harness, token: carrier, plate: "AND 2", imei: "356307042441002")
        let ordino = try await Self.vehicle(harness, token: carrier, plate: "AND 3", imei: "356307042441003")
        let soldeu = try await Self.vehicle(harness, token: carrier, plate: "AND 4", imei: "356307042441004")
        let van = try await Self.vehicle(harness, token: carrier, plate: "AND 5", imei: "356307042441005", type: "van", weight: 1500, volume: 12)
        let pas = try await Self.vehicle(harness, token: carrier, plate: "AND 6", imei: "356307042441006")
        try await Self.fixes(harness, imei: "356307042441001", [(now - 60_000, 42.5340, 1.5810, 0)])
        try await Self.fixes(harness, imei: "356307042441002", [(now - 60_000, 42.5075, 1.5210, 0)])
        try await Self.fixes(harness, imei: "356307042441003", [(now - 60_000, 42.5560, 1.5330, 0)])
        try await Self.fixes(harness, imei: "356307042441004", [(now - 3 * 3_600_000, 42.5770, 1.6670, 0)])
        try await Self.fixes(harness, imei: "356307042441005", [(now - 60_000, 42.5345, 1.5815, 0)])
        // Pas de la Casa's driver has been on the road for 9 hours without a long stop.
        var day: [(Int64, Double, Double, Double)] = []
        for i in 0...107 { day.append((now - 9 * 3_600_000 + Int64(i) * 300_000 - 120_000, i % 2 == 0 ? 42.5430 : 42.5500, 1.7330, 40)) }
        try await Self.fixes(harness, imei: "356307042441006", day)

        let cargo: [String: Any] = [
            "pickup": Self.canillo, "delivery": Self.santJulia, "weight": 10_000, "volume": 40, "vehicleType": "truck",
            "loadingDate": Self.iso(now + 3 * 3_600_000), "totalPrice": 900,
        ]
        #expect(try await Self.putCargo(harness, id: "load-1", token: carrier, cargo) == 403)
        #expect(try await Self.putCargo(harness, id: "load-1", token: service, cargo) == 200)

        let (status, json) = try await harness.call("POST", "/api/match/cargo", token: carrier, body: ["cargoId": "load-1"])
        #expect(status == 200)
        let answer = try #require(json as? [String: Any])
        let candidates = try #require(answer["candidates"] as? [[String: Any]])
        let order = candidates.compactMap { $0["vehicleId"] as? String }
        // Hand-checked: Encamp 5.9 km by road; Andorra la Vella 12.1 km; Ordino is nearer than Andorra la Vella in a
        // straight line (5.6 against 9.3 km) but 16.0 km by road; Soldeu is near but its position is 3 h old.
        #expect(order == [encamp, vella, ordino, soldeu, van, pas])
        let byID = Dictionary(uniqueKeysWithValues: candidates.map { ($0["vehicleId"] as! String, $0) })
        #expect(candidates.prefix(4).allSatisfy { $0["fits"] as? Bool == true })
        #expect(byID[encamp]?["confidence"] as? String == "high")
        #expect(byID[soldeu]?["confidence"] as? String == "low")
        #expect(byID[encamp]?["distanceSource"] as? String == "road")
        let encampKm = try #require(byID[encamp]?["roadDistanceKm"] as? Double)
        #expect(abs(encampKm - 5.9) < 0.3)
        let ordinoRoad = try #require(byID[ordino]?["roadDistanceKm"] as? Double)
        let vellaRoad = try #require(byID[vella]?["roadDistanceKm"] as? Double)
        #expect(try #require(byID[ordino]?["straightLineKm"] as? Double) < (try #require(byID[vella]?["straightLineKm"] as? Double)))
        #expect(ordinoRoad > vellaRoad + 3)
        #expect(byID[van]?["fits"] as? Bool == false)
        // A van: not a heavy body, and too small by weight and volume (40 m3 in 12).
        #expect((byID[van]?["reasons"] as? [String])?.map { $0.prefix { $0 != ":" } } == ["type", "weight", "volume"])
        #expect(byID[pas]?["fits"] as? Bool == false)
        #expect((byID[pas]?["reasons"] as? [String])?.contains { $0.hasPrefix("driving_time:") } == true)
        // The loaded leg Canillo → Sant Julià de Lòria, for every candidate.
        let loaded = try #require(answer["loadedKm"] as? Double)
        let (_, leg) = try await harness.call(
            "POST", "/api/routes/estimate", token: carrier,
            body: ["from": Self.canillo, "to": Self.santJulia, "profile": "articulated"])
        let legMeters = try #require((leg as? [String: Any])?["distanceMeters"] as? Double)
        #expect(abs(loaded - legMeters / 1000) < 0.06)
        #expect(loaded > 14)
        #expect(byID[encamp]?["loadedKm"] as? Double == loaded)

        // Another carrier sees none of these vehicles.
        let other = try await harness.token("carrier_z")
        let (_, otherJSON) = try await harness.call("POST", "/api/match/cargo", token: other, body: ["cargoId": "load-1"])
        #expect(((otherJSON as? [String: Any])?["candidates"] as? [Any])?.isEmpty == true)
        try await harness.stop()
    }

    @Test("cargo sync: service token only, bad bodies 400, closed or deleted loads leave the index, the index survives a restart")
    func cargoSync() async throws {
        let harness = try await Self.start()
        let service = try await harness.engine.tokens.sign(sub: "marketplace", plan: "pro", role: "service")
        let carrier = try await harness.token("carrier_s")
        let now = Self.nowMs
        let body: [String: Any] = ["pickup": Self.canillo, "delivery": Self.santJulia, "weight": 5000, "loadingDate": Self.iso(now + 3_600_000)]
        #expect(try await Self.putCargo(harness, id: "keep", token: service, body) == 200)
        #expect(try await Self.putCargo(harness, id: "gone", token: service, body) == 200)
        #expect(try await Self.putCargo(harness, id: "done", token: service, body) == 200)
        var closed = body
        closed["status"] = "closed"
        #expect(try await Self.putCargo(harness, id: "done", token: service, closed) == 200)
        #expect(try await harness.call("DELETE", "/api/cargo/gone", token: service).status == 200)
        #expect(try await harness.call("DELETE", "/api/cargo/gone", token: service).status == 404)
        #expect(try await harness.call("DELETE", "/api/cargo/keep", token: carrier).status == 403)
        for (bad, message) in [
            (["weight": -1], "weight"), (["vehicleType": "boat"], "vehicleType"), (["loadingDate": "tomorrow"], "loadingDate"),
            (["pickup": ["lat": 91, "long": 1]], "pickup.lat"), (["color": "red"], "unknown field"),
        ] as [([String: Any], String)] {
            var b = body
            for (k, v) in bad { b[k] = v }
            let (status, json) = try await harness.call("PUT", "/api/cargo/bad", token: service, body: b)
            #expect(status == 400)
            #expect(((json as? [String: Any])?["error"] as? String)?.contains(message) == true, "\(message)")
        }
        #expect(try await harness.call("POST", "/api/match/cargo", token: carrier, body: ["cargoId": "keep"]).status == 200)
        #expect(try await harness.call("POST", "/api/match/cargo", token: carrier, body: ["cargoId": "done"]).status == 404)
        #expect(try await harness.call("POST", "/api/match/cargo", token: carrier, body: ["cargoId": "gone"]).status == 404)
        #expect(try await harness.call("POST", "/api/match/cargo", token: carrier, body: [:]).status == 400)
        #expect(try await harness.count("SELECT count(*) FROM cargo") == 2)
        try await harness.stop()

        let again = try await Self.start(dataDirectory: harness.dataDirectory, endpoint: harness.endpoint)
        #expect(again.engine.matching.cargo.count == 1)
        #expect(again.engine.matching.cargo.cargo(id: "keep") != nil)
        let token = try await again.token("carrier_s")
        #expect(try await again.call("POST", "/api/match/cargo", token: token, body: ["cargoId": "keep"]).status == 200)
        try await again.stop()
    }

    @Test("loads for a vehicle: numbers from the cost settings, ranked by profit per hour; downvotes on deadhead change the order")
    func cargoForVehicleAndFeedback() async throws {
        let harness = try await Self.start()
        let carrier = try await harness.token("carrier_f")
        let service = try await harness.engine.tokens.sign(sub: "marketplace", plan: "pro", role: "service")
        let now = Self.nowMs
        let truck = try await Self.vehicle(harness, token: carrier, plate: "AND 10", imei: "356307042441010")
        try await Self.fixes(harness, imei: "356307042441010", [(now - 30_000, 42.5340, 1.5810, 0)])
        let settings: [String: Any] = [
            "driverPay": 16, "fuel": 0.45, "maintenance": ["perKm": 0.12], "tolls": ["perKm": 0.2, "perHour": 0],
            "insurance": 3,
        ]
        let (putStatus, putJSON) = try await harness.call("PUT", "/api/fleet/cost-settings", token: carrier, body: settings)
        #expect(putStatus == 200)
        let total = try #require((putJSON as? [String: Any])?["totalBaseCost"] as? [String: Any])
        #expect(total["perKm"] as? Double == 0.77)
        #expect(total["perHour"] as? Double == 19)
        let (_, getJSON) = try await harness.call("GET", "/api/fleet/cost-settings", token: carrier)
        #expect((getJSON as? [String: Any])?["isDefault"] as? Bool == false)
        #expect(
            try await harness.call(
                "PUT", "/api/fleet/cost-settings", token: carrier, body: ["driverPay": -1, "fuel": 0, "maintenance": 0, "tolls": 0, "insurance": 0]
            ).status == 400)

        let window: [String: Any] = ["loadingDate": Self.iso(now), "loadingDateEnd": Self.iso(now + 6 * 3_600_000)]
        // Lean: picked up where the truck stands. Rich: more money, but a long empty run to Pas de la Casa first.
        var lean: [String: Any] = ["pickup": ["lat": 42.5345, "long": 1.5805], "delivery": Self.santJulia, "weight": 8000, "totalPrice": 500]
        var rich: [String: Any] = [
            "pickup": ["lat": 42.5430, "long": 1.7330], "delivery": ["lat": 42.5770, "long": 1.6670], "weight": 8000, "totalPrice": 800,
        ]
        for (k, v) in window { lean[k] = v; rich[k] = v }
        #expect(try await Self.putCargo(harness, id: "lean", token: service, lean) == 200)
        #expect(try await Self.putCargo(harness, id: "rich", token: service, rich) == 200)

        func suggestions() async throws -> [[String: Any]] {
            let (status, json) = try await harness.call("GET", "/api/match/vehicles/\(truck)/cargo", token: carrier)
            #expect(status == 200)
            return try #require((json as? [String: Any])?["suggestions"] as? [[String: Any]])
        }
        let first = try await suggestions()
        #expect(first.compactMap { $0["cargoId"] as? String } == ["rich", "lean"])
        for s in first {
            let revenue = try #require(s["revenue"] as? Double)
            let cost = try #require(s["cost"] as? Double)
            let hours = try #require(s["hours"] as? Double)
            let km = try #require(s["deadheadKm"] as? Double) + (try #require(s["loadedKm"] as? Double))
            #expect(revenue == (s["cargoId"] as? String == "rich" ? 800 : 500))
            #expect(abs(cost - (0.77 * km + 19 * hours)) < 0.5)
            #expect(abs((s["profit"] as? Double ?? 0) - (revenue - cost)) < 0.02)
            #expect(abs((s["profitPerHour"] as? Double ?? 0) - (revenue - cost) / hours) < 0.5)
            #expect(s["confidence"] as? String == "high")
        }
        #expect(try #require(first[0]["deadheadKm"] as? Double) > 15)
        #expect(try #require(first[1]["deadheadKm"] as? Double) < 1)

        let richID = try #require(first[0]["id"] as? String)
        var weights: [Double] = []
        var order = ["rich", "lean"]
        while order.first == "rich", weights.count < 6 {
            let (status, json) = try await harness.call(
                "POST", "/api/match/feedback", token: carrier, body: ["suggestionId": richID, "feedbackType": "down"])
            #expect(status == 200)
            weights.append(try #require((json as? [String: Any])?["deadheadWeight"] as? Double))
            order = try await suggestions().compactMap { $0["cargoId"] as? String }
        }
        #expect(order == ["lean", "rich"])
        #expect(weights.count >= 1 && weights == weights.sorted() && weights.first! > 0.3)
        #expect(try await harness.count("SELECT count(*) FROM match_feedback WHERE feedback_type = 'down'") == weights.count)
        // Someone else's vote on this suggestion is refused.
        let stranger = try await harness.token("carrier_x")
        #expect(
            try await harness.call("POST", "/api/match/feedback", token: stranger, body: ["suggestionId": richID, "feedbackType": "up"]).status == 404
        )

        // The whole fleet: the same pairs, best first.
        let (fleetStatus, fleetJSON) = try await harness.call("POST", "/api/match/fleet", token: carrier, body: [:])
        #expect(fleetStatus == 200)
        #expect(((fleetJSON as? [String: Any])?["suggestions"] as? [[String: Any]])?.compactMap { $0["cargoId"] as? String } == ["lean", "rich"])
        try await harness.stop()
    }

    @Test("marketplace search: opted-in carriers only, a 5 km distance from a coarse cell, never an id or a coordinate")
    func marketplacePrivacy() async throws {
        let harness = try await Self.start()
        let shipper = try await harness.token("shipper_1")
        let open = try await harness.token("carrier_open")
        let closed = try await harness.token("carrier_closed")
        let service = try await harness.engine.tokens.sign(sub: "marketplace", plan: "pro", role: "service")
        let now = Self.nowMs
        let openTruck = try await Self.vehicle(harness, token: open, plate: "AND 20", imei: "356307042441020")
        let closedTruck = try await Self.vehicle(harness, token: closed, plate: "AND 21", imei: "356307042441021")
        let positions: [(imei: String, lat: Double, long: Double)] = [("356307042441020", 42.5340, 1.5810), ("356307042441021", 42.5600, 1.5950)]
        for p in positions { try await Self.fixes(harness, imei: p.imei, [(now - 60_000, p.lat, p.long, 0)]) }
        #expect(try await harness.call("PUT", "/api/match/marketplace", token: open, body: ["optIn": true]).status == 200)

        let cargo: [String: Any] = ["pickup": Self.canillo, "delivery": Self.santJulia, "weight": 9000, "loadingDate": Self.iso(now + 4 * 3_600_000)]
        // A made-up pickup is refused: only real open loads can be searched across carriers.
        let (inline, inlineError) = try await harness.call(
            "POST", "/api/match/cargo", token: shipper, body: ["cargo": cargo, "scope": "marketplace"])
        #expect(inline == 400)
        #expect(((inlineError as? [String: Any])?["error"] as? String)?.contains("cargoId") == true)
        #expect(try await Self.putCargo(harness, id: "cargo_mp", token: service, cargo) == 200)
        let search: [String: Any] = ["cargoId": "cargo_mp", "scope": "marketplace"]
        let (status, json) = try await harness.call("POST", "/api/match/cargo", token: shipper, body: search)
        #expect(status == 200)
        let answer = try #require(json as? [String: Any])
        #expect(Set(answer.keys) == ["carriers"])
        let carriers = try #require(answer["carriers"] as? [[String: Any]])
        #expect(carriers.count == 1)
        #expect(Set(carriers[0].keys) == ["distanceKm", "confidence"], "no carrier id")
        let km = try #require(carriers[0]["distanceKm"] as? Int)
        #expect(km % 5 == 0 && km == 5)
        // Nothing that could place a vehicle: no vehicle or user id, no number near any vehicle coordinate.
        let text = String(decoding: try JSONSerialization.data(withJSONObject: answer), as: UTF8.self)
        #expect(!text.contains(openTruck) && !text.contains(closedTruck) && !text.contains("carrier_open"))
        var numbers: [Double] = []
        func collect(_ value: Any) {
            if let n = value as? Double { numbers.append(n) }
            if let n = value as? Int { numbers.append(Double(n)) }
            if let a = value as? [Any] { a.forEach(collect) }
            if let d = value as? [String: Any] { d.values.forEach(collect) }
        }
        collect(answer)
        for p in positions {
            #expect(!numbers.contains { abs($0 - p.lat) < 0.5 || abs($0 - p.long) < 0.5 })
            #expect(!text.contains(String(format: "%.2f", p.lat)) && !text.contains(String(format: "%.2f", p.long)))
        }
        // Moving within its cell changes nothing a shipper can see: the distance starts at the cell.
        try await Self.fixes(harness, imei: "356307042441020", [(now - 30_000, 42.5390, 1.5890, 30)])
        let (_, moved) = try await harness.call("POST", "/api/match/cargo", token: shipper, body: search)
        let movedCarriers = try #require((moved as? [String: Any])?["carriers"] as? [[String: AnyHashable]])
        #expect(movedCarriers == carriers.map { $0.compactMapValues { $0 as? AnyHashable } })
        // Opting out removes the carrier.
        #expect(try await harness.call("PUT", "/api/match/marketplace", token: open, body: ["optIn": false]).status == 200)
        let (_, after) = try await harness.call("POST", "/api/match/cargo", token: shipper, body: search)
        #expect(((after as? [String: Any])?["carriers"] as? [Any])?.isEmpty == true)
        try await harness.stop()
    }

    @Test("live: a new load near a vehicle, and a vehicle's first position, push agent_suggestion_new to the owner's room only")
    func liveSuggestions() async throws {
        let harness = try await Self.start()
        let carrier = try await harness.token("carrier_live")
        let bystander = try await harness.token("carrier_other")
        let service = try await harness.engine.tokens.sign(sub: "marketplace", plan: "pro", role: "service")
        let now = Self.nowMs
        let truck = try await Self.vehicle(harness, token: carrier, plate: "AND 30", imei: "356307042441030")
        let late = try await Self.vehicle(harness, token: carrier, plate: "AND 31", imei: "356307042441031")
        try await Self.fixes(harness, imei: "356307042441030", [(now - 30_000, 42.5340, 1.5810, 0)])
        let stream = TestStreamClient(port: harness.httpPort, token: carrier)
        let other = TestStreamClient(port: harness.httpPort, token: bystander)
        #expect(await stream.waitUntil { !$0.isEmpty })
        #expect(await other.waitUntil { !$0.isEmpty })

        let cargo: [String: Any] = [
            "pickup": Self.canillo, "delivery": Self.santJulia, "weight": 9000, "totalPrice": 700,
            "loadingDate": Self.iso(now), "loadingDateEnd": Self.iso(now + 6 * 3_600_000),
        ]
        #expect(try await Self.putCargo(harness, id: "live-1", token: service, cargo) == 200)
        func pushed(for vehicle: String) -> ([[String: Any]]) -> Bool {
            { messages in
                messages.contains { m in
                    guard m["event"] as? String == "agent_suggestion_new", let data = m["data"] as? [String: Any] else { return false }
                    return data["vehicleId"] as? String == vehicle
                        && (data["suggestions"] as? [[String: Any]])?.contains { $0["cargoId"] as? String == "live-1" } == true
                }
            }
        }
        #expect(await stream.waitUntil(pushed(for: truck)))
        #expect(stream.events("agent_suggestion_new").first?["room"] as? String == "user_carrier_live")
        // The second truck had no position when the load came; its first one brings the suggestion.
        #expect(!pushed(for: late)(stream.messages))
        try await Self.fixes(harness, imei: "356307042441031", [(now - 10_000, 42.5075, 1.5210, 0)])
        #expect(await stream.waitUntil(pushed(for: late)))
        // Re-sending the same load changes nothing: no repeat push for the first truck.
        let before = stream.events("agent_suggestion_new").count
        #expect(try await Self.putCargo(harness, id: "live-1", token: service, cargo) == 200)
        try await Task.sleep(for: .milliseconds(500))
        #expect(stream.events("agent_suggestion_new").count == before)
        #expect(other.events("agent_suggestion_new").isEmpty)
        await stream.close()
        await other.close()
        try await harness.stop()
    }
}
