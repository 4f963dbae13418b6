import Foundation
import GeoFleetCore
import GeoFleetMatching
import GeoFleetRouting
import Testing
@testable import GeoFleetPricing

/// Each cost line against a computation by hand from the legs' own figures.
@Suite struct TripCostCalculatorTests {
    static let budapest = GeoPoint(latitude: 47.3, longitude: 19.2)

    static func leg(km: Double, hours: Double, tollKm: Double = 0, tollAt: GeoPoint = budapest) -> TripLeg {
        var composition = RouteComposition(metersByClass: [.motorway: km * 600, .primary: km * 400], tollStretches: [])
        if tollKm > 0 {
            composition.tollStretches = [.init(wayID: 1, ref: "M1", name: nil, meters: tollKm * 1000, point: tollAt)]
        }
        return TripLeg(meters: km * 1000, drivingSeconds: hours * 3600, source: "road", composition: composition)
    }

    static func settings() -> CostSettings {
        CostSettings(
            driverPay: .init(perHour: 15), fuel: .init(perKm: 0.435), maintenance: .init(perKm: 0.12), tolls: .init(perKm: 0.18),
            insurance: .init(perKm: 0.03), baseMargin: 0.15, fuelPricePerLitre: 1.5,
            fuelConsumption: ["articulated": .init(empty: 24, loaded: 32)], perDiemPerNight: 60, vehicleCostPerDay: 144,
            explicitFields: [
                "driverPay", "fuelPricePerLitre", "fuelConsumption", "perDiemPerNight", "vehicleCostPerDay", "maintenance", "insurance", "tollRates",
                "baseMargin",
            ])
    }

    static func d(_ text: String) -> Decimal { Decimal(string: text)! }

    @Test("a 3 h trip: every line is quantity × rate from the route's distance and time")
    func shortTrip() throws {
        // 50 km empty in 40 min, then 150 km loaded in 2 h 20 min, 100 km of it tolled in Hungary; 12 t of a 24 t payload.
        let input = TripCostCalculator.Input(
            deadhead: Self.leg(km: 50, hours: 40.0 / 60), loaded: Self.leg(km: 150, hours: 140.0 / 60, tollKm: 100),
            vehicleClass: "articulated", payloadCapacityKg: 24_000, cargoWeightKg: 12_000, handlingSeconds: 3600,
            settings: Self.settings(), settingsAreDefaults: false)
        let a = TripCostCalculator.analyse(input)
        // 3 h driving: no break (4.5 h), no rest; + 1 h handling = 4 h worked and elapsed.
        #expect(a.breaks == 0 && a.dailyRests == 0 && a.nightsAway == 0)
        #expect(a.workSeconds == 4 * 3600 && a.elapsedSeconds == 4 * 3600)
        // Fuel: 50 km × 24/100 = 12 l; 150 km × (24 + 8 × 0.5)/100 = 42 l; 54 l × 1.50.
        #expect(a.fuelLitres == 54)
        #expect(try #require(a.line("fuel")).amount.decimalString == "81.00")
        // Driver: 4 h × 15; no night.
        #expect(try #require(a.line("driver")).amount.decimalString == "60.00")
        // Tolls: 100 km in HU × 0.55 (shipped table).
        #expect(try #require(a.line("tolls")).amount.decimalString == "55.00")
        #expect(a.tolls.count == 1 && a.tolls[0].country == "HU" && a.tollMeters == 100_000)
        // Vehicle: 4/24 day = 0.1667 × 144 = 24.00(48) → 24.00; maintenance 200 km × 0.12 = 24.00.
        #expect(try #require(a.line("vehicle")).amount.decimalString == "48.00")
        // Insurance: 200 km × 0.03.
        #expect(try #require(a.line("insurance")).amount.decimalString == "6.00")
        #expect(a.total.decimalString == "250.00")
        #expect(a.perKm == Self.d("1.25"))
        #expect(a.perTonne(weightKg: 12_000) == Self.d("20.83"))
        #expect(a.roadClassShares["motorway"] == 0.6)
        // The parts add up to each line, and the lines to the total.
        for line in a.lines { #expect(Money.sum(line.parts.map(\.amount), currency: .eur) == line.amount) }
        #expect(Money.sum(a.lines.map(\.amount), currency: .eur) == a.total)
    }

    @Test("over 4.5 h of driving a 45 min break; over 9 h a daily rest, a night and its per-diem")
    func breaksAndNights() throws {
        let five = TripCostCalculator.analyse(
            .init(
                deadhead: nil, loaded: Self.leg(km: 400, hours: 5), vehicleClass: "articulated", payloadCapacityKg: 24_000,
                cargoWeightKg: 24_000, handlingSeconds: 0, settings: Self.settings(), settingsAreDefaults: false))
        #expect(five.breaks == 1 && five.dailyRests == 0)
        #expect(five.elapsedSeconds == 5.75 * 3600)
        #expect(try #require(five.line("driver")).amount == Money(rounding: Self.d("5.75") * 15, currency: .eur))
        let twelve = TripCostCalculator.analyse(
            .init(
                deadhead: nil, loaded: Self.leg(km: 900, hours: 12), vehicleClass: "articulated", payloadCapacityKg: 24_000,
                cargoWeightKg: 24_000, handlingSeconds: 0, settings: Self.settings(), settingsAreDefaults: false))
        // 4.5 drive, break, 4.5 drive, rest 11 h, 3 drive: 2 breaks? No: the rest resets the break clock.
        #expect(twelve.dailyRests == 1 && twelve.nightsAway == 1)
        #expect(twelve.breaks == 1)
        let twelveElapsed: Double = (12 + 0.75 + 11) * 3600
        #expect(twelve.elapsedSeconds == twelveElapsed)
        #expect(twelve.workSeconds == 12.75 * 3600)
        let driver = try #require(twelve.line("driver"))
        #expect(driver.parts.contains { $0.unit == "night" && $0.quantity == 1 && $0.amount.decimalString == "60.00" })
        #expect(driver.amount == Money(rounding: Self.d("12.75") * 15 + 60, currency: .eur))
    }

    @Test("a leg without road detail pays the flat toll rate over its length and says so")
    func flatTolls() throws {
        let heuristic = TripLeg(meters: 300_000, drivingSeconds: 4 * 3600, source: "heuristic", composition: nil)
        let a = TripCostCalculator.analyse(
            .init(
                deadhead: nil, loaded: heuristic, vehicleClass: "articulated", payloadCapacityKg: nil, cargoWeightKg: 10_000,
                handlingSeconds: 0, settings: .defaults, settingsAreDefaults: true))
        #expect(try #require(a.line("tolls")).amount.decimalString == "54.00") // 300 km × 0.18
        #expect(a.notes.contains { $0.contains("flat") })
        #expect(a.notes.contains { $0.contains("heuristic") })
        #expect(a.notes.contains { $0.contains("every rate is GeoFleet's default") })
        #expect(a.notes.contains { $0.contains("payload capacity unknown") })
    }

    @Test("RON settings: the EUR toll table converts at the carrier's rate")
    func ronSettings() throws {
        var s = Self.settings()
        s.currency = "RON"
        s.eurToRon = 5
        let a = TripCostCalculator.analyse(
            .init(
                deadhead: nil, loaded: Self.leg(km: 100, hours: 1.5, tollKm: 10), vehicleClass: "articulated", payloadCapacityKg: 24_000,
                cargoWeightKg: 0, handlingSeconds: 0, settings: s, settingsAreDefaults: false))
        #expect(a.currency == .ron)
        #expect(try #require(a.line("tolls")).amount.decimalString == "27.50") // 10 km × 0.55 € × 5
    }

    @Test("profit: accept at the target margin, negotiate below it, decline under cost; no price asks for the target")
    func profit() {
        let a = TripCostCalculator.analyse(
            .init(
                deadhead: Self.leg(km: 50, hours: 40.0 / 60), loaded: Self.leg(km: 150, hours: 140.0 / 60, tollKm: 100),
                vehicleClass: "articulated", payloadCapacityKg: 24_000, cargoWeightKg: 12_000, handlingSeconds: 3600,
                settings: Self.settings(), settingsAreDefaults: false))
        func assess(_ cents: Int64?) -> ProfitAnalysis {
            ProfitAnalysis.assess(
                a, price: cents.map { Money(cents: $0, currency: .eur) }, targetMargin: 0.15, positionAgeMinutes: 5, settingsAreDefaults: false)
        }
        #expect(assess(30_000).recommendation == "accept") // margin 16.7 %
        #expect(assess(30_000).margin == Self.d("0.1667"))
        #expect(assess(27_000).recommendation == "negotiate")
        #expect(assess(24_000).recommendation == "decline")
        #expect(assess(30_000).confidence == "high")
        let none = assess(nil)
        #expect(none.recommendation == "negotiate" && none.margin == nil)
        #expect(none.targetPrice.decimalString == "287.50")
        #expect(none.notes.contains { $0.contains("287.50") })
        let stale = ProfitAnalysis.assess(
            a, price: Money(cents: 30_000, currency: .eur), targetMargin: 0.15, positionAgeMinutes: 240, settingsAreDefaults: false)
        #expect(stale.confidence == "medium")
    }
}
