import Foundation
import GeoFleetCore
import GeoFleetMatching
import Testing

@Suite("Trip economics and learned ranking")
struct RankingTests {
    @Test("economics add per-km and per-hour costs over deadhead + loaded distance and the whole time")
    func economics() {
        let costs = CostSettings(
            driverPay: .init(perHour: 20), fuel: .init(perKm: 0.5), maintenance: .init(perKm: 0.1),
            tolls: .init(perKm: 0.2), insurance: .init(perHour: 5))
        #expect(costs.perKm == 0.8)
        #expect(costs.perHour == 25)
        let cargo = Cargo(
            id: "c", pickup: GeoPoint(latitude: 0, longitude: 0), delivery: GeoPoint(latitude: 0, longitude: 1),
            weightKg: 1, loadingFrom: 0, loadingTo: 10_000_000, totalPrice: 1000)
        let timing = FitCheck.timing(cargo: cargo, now: 0, deadheadSeconds: 3600, loadedSeconds: 3 * 3600, driver: .init(), handlingSeconds: 3600)
        // 4 h driving, no break due, 1 h handling: 5 h. 100 km deadhead + 300 km loaded.
        let trip = TripEconomics(cargo: cargo, deadheadMeters: 100_000, loadedMeters: 300_000, timing: timing, costs: costs)
        #expect(trip.hours == 5)
        #expect(trip.cost == 400 * 0.8 + 5 * 25)
        #expect(trip.profit == 1000 - 445)
        #expect(trip.profitPerHour == 111)
        #expect(trip.deadheadShare == 0.25)
    }

    @Test("downvotes on a deadhead-heavy suggestion raise its weight until the lean load ranks first; upvotes lower it")
    func feedbackChangesRanking() {
        // A: more profit per hour, but half of it driven empty. B: a little less, almost no deadhead.
        let a = TripEconomics(deadheadKm: 200, loadedKm: 200, hours: 8, revenue: 1680, cost: 800) // 110 €/h
        let b = TripEconomics(deadheadKm: 10, loadedKm: 300, hours: 8, revenue: 1300, cost: 580) // 90 €/h
        var preference = RankingPreference.initial
        #expect(preference.score(a) > preference.score(b))
        var votes = 0
        while preference.score(a) >= preference.score(b), votes < 10 {
            preference.learn(up: false, deadheadShare: a.deadheadShare)
            votes += 1
        }
        #expect(votes == 1)
        #expect(preference.score(b) > preference.score(a))
        #expect(preference.feedbackCount == 1)
        let raised = preference.deadheadPenalty
        preference.learn(up: true, deadheadShare: a.deadheadShare)
        #expect(preference.deadheadPenalty < raised)
        // Bounded whatever the votes.
        for _ in 0..<100 { preference.learn(up: false, deadheadShare: 1) }
        #expect(preference.deadheadPenalty == RankingPreference.penaltyRange.upperBound)
    }

    @Test("a suggestion id is stable for one user, vehicle and load, and differs otherwise")
    func suggestionIDs() {
        let v = UUID()
        let id = SuggestionID.make(user: "u", vehicle: v, cargo: "c")
        #expect(id == SuggestionID.make(user: "u", vehicle: v, cargo: "c"))
        #expect(id != SuggestionID.make(user: "u2", vehicle: v, cargo: "c"))
        #expect(id != SuggestionID.make(user: "u", vehicle: v, cargo: "c2"))
        #expect(id.uuidString.dropFirst(14).first == "8")
    }

    @Test("a vehicle's score for a load favours the sooner vehicle, then the fuller one, and is discounted by confidence")
    func vehicleScore() {
        let cargo = Cargo(
            id: "c", pickup: GeoPoint(latitude: 0, longitude: 0), delivery: GeoPoint(latitude: 0, longitude: 1),
            weightKg: 10_000, loadingFrom: 0, loadingTo: 1)
        let big = MatchVehicle(key: 1, id: UUID(), owner: "u", type: "truck", capacityWeightKg: 40_000, capacityVolumeM3: 90, status: "active")
        let snug = MatchVehicle(key: 2, id: UUID(), owner: "u", type: "truck", capacityWeightKg: 12_000, capacityVolumeM3: 60, status: "active")
        let near = VehicleScore.score(fits: true, toPickupSeconds: 600, cargo: cargo, vehicle: big, confidence: .high)
        let far = VehicleScore.score(fits: true, toPickupSeconds: 3 * 3600, cargo: cargo, vehicle: big, confidence: .high)
        #expect(near > far)
        #expect(VehicleScore.score(fits: true, toPickupSeconds: 600, cargo: cargo, vehicle: snug, confidence: .high) > near)
        #expect(VehicleScore.score(fits: true, toPickupSeconds: 600, cargo: cargo, vehicle: big, confidence: .low) < near)
        #expect(VehicleScore.score(fits: false, toPickupSeconds: 600, cargo: cargo, vehicle: big, confidence: .high) == 0)
    }
}
