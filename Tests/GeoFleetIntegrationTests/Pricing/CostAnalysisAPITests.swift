import Foundation
import GeoFleetCore
import GeoFleetPlatform
import GeoFleetTestSupport
import Testing

/// Cost analysis and quote suggestions on a daemon routing over Andorra (© OpenStreetMap contributors,
/// ODbL): the Envalira tunnel (CG-2a, `toll=yes`) lies between Soldeu and Pas de la Casa.
@Suite(.serialized) struct CostAnalysisAPITests {
    static var soldeu: [String: Any] { ["lat": 42.5769, "long": 1.6676] }
    static var pasDeLaCasa: [String: Any] { ["lat": 42.5426, "long": 1.7330] }

    /// The carrier's settings, every figure given.
    static var settings: [String: Any] {
        [
            "driverPay": ["perHour": 20], "fuel": 0.435, "maintenance": 0.11, "tolls": 0.2, "insurance": ["perKm": 0.04],
            "baseMargin": 0.15, "currency": "EUR", "eurToRon": 5, "fuelPricePerLitre": 1.6,
            "fuelConsumption": ["articulated": ["empty": 24, "loaded": 32]], "perDiemPerNight": 55, "vehicleCostPerDay": 144,
            "tollRates": ["AD": ["articulated": 12]],
        ]
    }

    static func d(_ text: String) -> Decimal { Decimal(string: text)! }

    /// `value` rounded half away from zero to `places`, as the engine rounds.
    static func round(_ value: Decimal, _ places: Int) -> Decimal {
        var input = value
        var output = Decimal()
        NSDecimalRound(&output, &input, places, .plain)
        return output
    }

    static func q(_ meters: Double, _ divisor: Double, _ places: Int) -> Decimal {
        round(Decimal(string: String(format: "%.6f", meters / divisor))!, places)
    }

    static func setUp() async throws -> (harness: EngineHarness, carrier: String, service: String, truck: String) {
        let harness = try await MatchAPITests.start()
        let carrier = try await harness.token("carrier_costs")
        let service = try await harness.engine.tokens.sign(sub: "marketplace", plan: "pro", role: "service")
        #expect(try await harness.call("PUT", "/api/settings/costs", token: carrier, body: settings).status == 200)
        let truck = try await MatchAPITests.vehicle(harness, token: carrier, plate: "AD 100", imei: "356307042441101")
        // Near Soldeu, a minute ago.
        try await MatchAPITests.fixes(harness, imei: "356307042441101", [(MatchAPITests.nowMs - 60_000, 42.5775, 1.6650, 0)])
        let cargo: [String: Any] = [
            "pickup": soldeu, "delivery": pasDeLaCasa, "weight": 12_000, "loadingDate": MatchAPITests.iso(MatchAPITests.nowMs + 6 * 3_600_000),
            "totalPrice": 400, "fromCountry": "ad", "toCountry": "AD",
        ]
        #expect(try await MatchAPITests.putCargo(harness, id: "tunnel-load", token: service, cargo) == 200)
        return (harness, carrier, service, truck)
    }

    @Test("cost analysis: every line from the route's own distance and time; the tunnel's toll at the carrier's rate")
    func costLines() async throws {
        let (harness, carrier, _, truck) = try await Self.setUp()
        let (status, json) = try await harness.call("GET", "/api/cargo/tunnel-load/cost-analysis?vehicleId=\(truck)", token: carrier)
        #expect(status == 200)
        let answer = try #require(json as? [String: Any])
        let route = try #require(answer["routeData"] as? [String: Any])
        let costs = try #require(answer["estimatedCosts"] as? [String: Any])
        let profit = try #require(answer["profitAnalysis"] as? [String: Any])
        let deadhead = try #require(route["deadhead"] as? [String: Any])
        let loaded = try #require(route["loaded"] as? [String: Any])
        #expect(deadhead["source"] as? String == "road" && loaded["source"] as? String == "road")
        let deadMeters = try #require(deadhead["distanceMeters"] as? Double)
        let loadedMeters = try #require(loaded["distanceMeters"] as? Double)
        let work = try #require(route["workSeconds"] as? Double)
        let elapsed = try #require(route["durationWithBreaksSeconds"] as? Double)
        let tollMeters = try #require(route["tollDistanceMeters"] as? Double)
        // The loaded leg is the articulated truck's route through the tunnel (2.9 km, tolled).
        let (_, estimate) = try await harness.call(
            "POST", "/api/routes/estimate", token: carrier, body: ["from": Self.soldeu, "to": Self.pasDeLaCasa, "profile": "articulated"])
        #expect(abs(loadedMeters - (try #require((estimate as? [String: Any])?["distanceMeters"] as? Double))) < 1)
        // The 2.9 km tunnel and its tolled approaches (CG-2a links, also toll=yes).
        #expect(tollMeters > 2_900 && tollMeters < loadedMeters, "\(tollMeters) m tolled")
        #expect(route["breaks"] as? Int == 0 && route["dailyRests"] as? Int == 0 && route["nightsAway"] as? Int == 0)
        // Handling (2 h by default) on top of a short drive.
        #expect(abs(work - elapsed) < 0.01 && work > 7200)

        let deadKm = Self.q(deadMeters, 1000, 3), loadedKm = Self.q(loadedMeters, 1000, 3), km = deadKm + loadedKm
        let hours = Self.q(work, 3600, 3), days = Self.q(elapsed, 86_400, 4)
        // Fuel: empty 24 l/100 km; loaded at half the payload, 24 + 8 × 0.5 = 28 l/100 km; 1.60 per litre.
        let fuel = Self.round(Self.round(deadKm * 24 / 100, 3) * Self.d("1.6"), 2) + Self.round(Self.round(loadedKm * 28 / 100, 3) * Self.d("1.6"), 2)
        let driver = Self.round(hours * 20, 2)
        let tolls = Self.round(Self.q(tollMeters, 1000, 3) * 12, 2)
        let vehicle = Self.round(days * 144, 2) + Self.round(km * Self.d("0.11"), 2)
        let insurance = Self.round(km * Self.d("0.04"), 2)
        let total = fuel + driver + tolls + vehicle + insurance
        func amount(_ key: String) -> Decimal? { (costs[key] as? String).flatMap { Decimal(string: $0) } }
        #expect(amount("fuel") == fuel)
        #expect(amount("driver") == driver)
        #expect(amount("tolls") == tolls)
        #expect(amount("vehicle") == vehicle)
        #expect(amount("insurance") == insurance)
        #expect(amount("total") == total)
        #expect(costs["currency"] as? String == "EUR")
        #expect((costs["total"] as? String)?.split(separator: ".").last?.count == 2, "amounts are decimal strings with two places")
        let tollRows = try #require(route["tolls"] as? [[String: Any]])
        #expect(tollRows.count == 1 && tollRows[0]["country"] as? String == "AD" && tollRows[0]["rateSource"] as? String == "carrier")
        // Price 400 against the total; target 15 %.
        let margin = Self.round((400 - total) / 400, 4)
        #expect((profit["margin"] as? String).flatMap { Decimal(string: $0) } == margin)
        let expected = margin >= Self.d("0.15") ? "accept" : (margin >= 0 ? "negotiate" : "decline")
        #expect(profit["recommendation"] as? String == expected)
        #expect(profit["confidence"] as? String == "high")
        #expect(answer["cached"] as? Bool == false)

        // Again: from the cache. Without a vehicle: matching's best candidate, the same truck.
        let (_, again) = try await harness.call("GET", "/api/cargo/tunnel-load/cost-analysis?vehicleId=\(truck)", token: carrier)
        #expect((again as? [String: Any])?["cached"] as? Bool == true)
        let (_, best) = try await harness.call("GET", "/api/cargo/tunnel-load/cost-analysis", token: carrier)
        #expect((best as? [String: Any])?["vehicleId"] as? String == truck)
        #expect((best as? [String: Any])?["vehicleChoice"] as? String == "best candidate")

        // Carrier B reads neither A's settings nor an analysis of A's truck; its own uses the defaults, without an empty leg.
        let other = try await harness.token("carrier_other")
        let (_, otherSettings) = try await harness.call("GET", "/api/settings/costs", token: other)
        #expect((otherSettings as? [String: Any])?["isDefault"] as? Bool == true)
        #expect((otherSettings as? [String: Any])?["fuelPricePerLitre"] as? Double == 1.45)
        #expect(try await harness.call("GET", "/api/cargo/tunnel-load/cost-analysis?vehicleId=\(truck)", token: other).status == 404)
        let (otherStatus, otherJSON) = try await harness.call("GET", "/api/cargo/tunnel-load/cost-analysis", token: other)
        #expect(otherStatus == 200)
        let otherAnswer = try #require(otherJSON as? [String: Any])
        #expect(otherAnswer["vehicleId"] is NSNull)
        #expect((otherAnswer["routeData"] as? [String: Any])?["deadhead"] is NSNull)
        let notes = ((otherAnswer["profitAnalysis"] as? [String: Any])?["notes"] as? [String]) ?? []
        #expect(notes.contains { $0.contains("default") })
        #expect(notes.contains { $0.contains("empty run") })
        #expect((otherAnswer["profitAnalysis"] as? [String: Any])?["confidence"] as? String == "medium")
        try await harness.stop()
    }

    @Test("bad input: 400 with the field named, 404 for unknown loads and vehicles")
    func badInput() async throws {
        let (harness, carrier, service, _) = try await Self.setUp()
        #expect(try await harness.call("GET", "/api/cargo/tunnel-load/cost-analysis?vehicleId=not-a-uuid", token: carrier).status == 400)
        #expect(try await harness.call("GET", "/api/cargo/none/cost-analysis", token: carrier).status == 404)
        #expect(try await harness.call("GET", "/api/cargo/tunnel-load/cost-analysis?vehicleId=\(UUID())", token: carrier).status == 404)
        #expect(try await harness.call("GET", "/api/cargo/tunnel-load/cost-analysis", token: nil).status == 401)
        for (change, field) in [
            (["fuelPricePerLitre": -1], "fuelPricePerLitre"), (["perDiemPerNight": 1e9], "perDiemPerNight"),
            (["currency": "USD"], "currency"), (["tollRates": ["ROU": ["van": 1]]], "tollRates"),
            (["tollRates": ["RO": ["boat": 1]]], "tollRates.RO"), (["tollRates": ["RO": ["van": 500]]], "tollRates.RO.van"),
            (["fuelConsumption": ["van": ["empty": 20, "loaded": 10]]], "fuelConsumption.van.loaded"),
            (["fuelConsumption": ["tank": ["empty": 20, "loaded": 30]]], "fuelConsumption"), (["vehicleCostPerDay": "x"], "vehicleCostPerDay"),
        ] as [([String: Any], String)] {
            let body = Self.settings.merging(change) { $1 }
            let (status, json) = try await harness.call("PUT", "/api/settings/costs", token: carrier, body: body)
            #expect(status == 400, "\(change)")
            let message = ((json as? [String: Any])?["error"] as? String) ?? ""
            #expect(message.contains(field), "\(message)")
        }
        // The refused PUTs left the settings as they were.
        let (_, kept) = try await harness.call("GET", "/api/settings/costs", token: carrier)
        #expect((kept as? [String: Any])?["fuelPricePerLitre"] as? Double == 1.6)
        // Deals: a service token only, and checked.
        let deal: [String: Any] = [
            "origin": ["lat": 42.57, "long": 1.66, "country": "AD"], "destination": ["lat": 42.54, "long": 1.73, "country": "AD"],
            "date": String(MatchAPITests.iso(MatchAPITests.nowMs).prefix(10)), "weight": 12_000, "price": 450, "currency": "EUR",
        ]
        #expect(try await harness.call("POST", "/api/market/deals", token: carrier, body: deal).status == 403)
        for change in [
            ["currency": "USD"], ["weight": 0], ["price": -5], ["date": "2001-01-01"], ["origin": ["lat": 91, "long": 1]], ["extra": 1],
            ["origin": ["lat": 42.5, "long": 1.6, "country": "ANDORRA"]],
        ] as [[String: Any]] {
            #expect(try await harness.call("POST", "/api/market/deals", token: service, body: deal.merging(change) { $1 }).status == 400, "\(change)")
        }
        #expect(try await harness.call("POST", "/api/market/deals", token: service, body: deal).status == 201)
        try await harness.stop()
    }

    @Test("quote: no comparable deals is cost-plus and says so; 30 accepted deals on the lane move it towards their median")
    func quoteSuggestion() async throws {
        let (harness, carrier, service, truck) = try await Self.setUp()
        let path = "/api/cargo/tunnel-load/quote-suggestion?vehicleId=\(truck)"
        let (status, json) = try await harness.call("POST", path, token: carrier)
        #expect(status == 200)
        let first = try #require(json as? [String: Any])
        let cost = try #require((first["totalCost"] as? String).flatMap { Decimal(string: $0) })
        let costPlus = Self.round(cost * Self.d("1.15"), 2)
        #expect(first["suggestedPrice"] as? String == "\(costPlus)" || Decimal(string: first["suggestedPrice"] as? String ?? "") == costPlus)
        #expect(first["confidence"] as? String == "low")
        #expect(first["comparableDeals"] as? Int == 0)
        #expect((first["reasoning"] as? String)?.contains("cost-plus only") == true)
        #expect(first["currency"] as? String == "EUR")

        // 30 deals: 20 on this lane (ends within 50 km), 10 between the same countries farther off but scaled
        // to this lane's length; and deals that do not compare (too light, too old).
        let today = MatchAPITests.nowMs
        var prices: [Decimal] = []
        for i in 0..<30 {
            let price = 500 + i * 10
            prices.append(Decimal(price))
            let deal: [String: Any] = [
                "id": "deal-\(i)", "origin": ["lat": 42.5769 + Double(i % 5) * 0.001, "long": 1.6676, "country": "AD"],
                "destination": ["lat": 42.5426, "long": 1.7330 - Double(i % 3) * 0.001, "country": "AD"],
                "date": String(MatchAPITests.iso(today - Int64(i) * 86_400_000).prefix(10)), "weight": 12_000 + i * 100, "price": price,
            ]
            #expect(try await harness.call("POST", "/api/market/deals", token: service, body: deal).status == 201)
        }
        for (id, change) in [("light", ["weight": 3_000]), ("old", ["date": String(MatchAPITests.iso(today - 120 * 86_400_000).prefix(10))])] {
            var deal: [String: Any] = [
                "id": id, "origin": ["lat": 42.5769, "long": 1.6676], "destination": ["lat": 42.5426, "long": 1.7330],
                "date": String(MatchAPITests.iso(today).prefix(10)), "weight": 12_000, "price": 9_000,
            ]
            deal.merge(change) { $1 }
            #expect(try await harness.call("POST", "/api/market/deals", token: service, body: deal).status == 201)
        }
        let (_, moved) = try await harness.call("POST", path, token: carrier)
        let second = try #require(moved as? [String: Any])
        #expect(second["comparableDeals"] as? Int == 30)
        // Scaling by lane length moves prices by a few per cent here (the deals' ends are within 450 m of the load's, on a 7 km lane).
        let median = try #require(((second["market"] as? [String: Any])?["median"] as? String).flatMap { Decimal(string: $0) })
        #expect(abs(NSDecimalNumber(decimal: median).doubleValue - 645) < 645 * 0.05)
        let suggested = try #require((second["suggestedPrice"] as? String).flatMap { Decimal(string: $0) })
        let expected = Self.round(costPlus + (median - costPlus) * Self.d("0.75"), 2)
        #expect(suggested == max(expected, cost))
        #expect(suggested != costPlus)
        #expect(second["confidence"] as? String == "high")
        #expect((second["reasoning"] as? String)?.contains("30 comparable deals") == true)
        try await harness.stop()
    }

    @Test("a trip beyond the graph: heuristic legs, breaks, daily rests and nights with their per-diem; low confidence")
    func longTrip() async throws {
        let (harness, carrier, service, truck) = try await Self.setUp()
        // Andorra → Bucharest: outside the graph, so the heuristic answers (about 2,300 km).
        let cargo: [String: Any] = [
            "pickup": Self.soldeu, "delivery": ["lat": 44.43, "long": 26.10], "weight": 20_000,
            "loadingDate": MatchAPITests.iso(MatchAPITests.nowMs + 3_600_000), "totalPrice": 2_000,
        ]
        #expect(try await MatchAPITests.putCargo(harness, id: "far-load", token: service, cargo) == 200)
        let (status, json) = try await harness.call("GET", "/api/cargo/far-load/cost-analysis?vehicleId=\(truck)", token: carrier)
        #expect(status == 200)
        let answer = try #require(json as? [String: Any])
        let route = try #require(answer["routeData"] as? [String: Any])
        let driving = try #require(route["drivingSeconds"] as? Double)
        #expect(driving > 9 * 3600)
        let rests = try #require(route["dailyRests"] as? Int)
        #expect(rests >= 2 && route["nightsAway"] as? Int == rests)
        #expect((route["breaks"] as? Int ?? 0) >= 1)
        #expect((route["loaded"] as? [String: Any])?["source"] as? String == "heuristic")
        let lines = try #require((answer["estimatedCosts"] as? [String: Any])?["lines"] as? [[String: Any]])
        let driverParts = try #require(lines.first { $0["item"] as? String == "driver" }?["parts"] as? [[String: Any]])
        let perDiem = try #require(driverParts.first { $0["unit"] as? String == "night" })
        #expect(perDiem["quantity"] as? String == "\(rests).0000")
        #expect(
            perDiem["amount"] as? String == "\(Self.round(Decimal(rests) * 55, 2))"
                || Decimal(string: perDiem["amount"] as? String ?? "") == Decimal(rests) * 55)
        let profit = try #require(answer["profitAnalysis"] as? [String: Any])
        #expect(profit["confidence"] as? String == "low")
        #expect((profit["notes"] as? [String])?.contains { $0.contains("heuristic") } == true)
        try await harness.stop()
    }
}
