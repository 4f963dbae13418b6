import Foundation
import GeoFleetCore
import GeoFleetMatching
import GeoFleetRouting

/// Prices one trip line by line from its legs, the EU driving-time rules and the carrier's settings.
///
/// Quantities enter as decimals (km and hours to 3 places, days to 4, litres to 3), rates with 4
/// places; each part is `quantity × rate` rounded to cents, a line is the sum of its parts and the
/// total the sum of the lines, so every figure adds up exactly.
public enum TripCostCalculator {
    /// What one analysis needs.
    public struct Input: Sendable {
        public var deadhead: TripLeg?
        public var loaded: TripLeg
        /// `van`, `rigid`, `articulated` (or `car`).
        public var vehicleClass: String
        /// The vehicle's payload; nil: the class's typical one.
        public var payloadCapacityKg: Double?
        public var cargoWeightKg: Double
        public var driver: DrivingTimeRules.DriverState
        /// Loading plus unloading.
        public var handlingSeconds: Double
        public var settings: CostSettings
        /// No settings saved: all of them are defaults.
        public var settingsAreDefaults: Bool

        public init(
            deadhead: TripLeg?, loaded: TripLeg, vehicleClass: String, payloadCapacityKg: Double?, cargoWeightKg: Double,
            driver: DrivingTimeRules.DriverState = .init(), handlingSeconds: Double, settings: CostSettings, settingsAreDefaults: Bool
        ) {
            self.deadhead = deadhead
            self.loaded = loaded
            self.vehicleClass = vehicleClass
            self.payloadCapacityKg = payloadCapacityKg
            self.cargoWeightKg = cargoWeightKg
            self.driver = driver
            self.handlingSeconds = handlingSeconds
            self.settings = settings
            self.settingsAreDefaults = settingsAreDefaults
        }
    }

    /// Typical payloads when the vehicle's own is unknown, kg.
    public static let typicalPayloadKg: [String: Double] = ["car": 400, "van": 1_200, "rigid": 12_000, "articulated": 24_000]

    public static func analyse(_ input: Input, rules: DrivingTimeRules = DrivingTimeRules()) -> CostAnalysis {
        let s = input.settings
        let currency = Currency(rawValue: s.currency) ?? .eur
        let eurToRon = Exact.decimal(s.eurToRon, places: 4)
        var notes: [String] = []
        func rate(_ value: Double) -> Decimal { Exact.decimal(value, places: 4) }
        func part(_ label: String, _ quantity: Decimal, _ unit: String, _ rate: Decimal) -> CostAnalysis.Line.Part {
            .init(label: label, quantity: quantity, unit: unit, rate: rate, amount: Money(rounding: quantity * rate, currency: currency))
        }
        func line(_ item: String, _ parts: [CostAnalysis.Line.Part]) -> CostAnalysis.Line {
            .init(item: item, parts: parts, amount: Money.sum(parts.map(\.amount), currency: currency))
        }

        // Time: the legs back to back from the driver's state, then handling.
        let driving = (input.deadhead?.drivingSeconds ?? 0) + input.loaded.drivingSeconds
        let plan = rules.plan(drivingSeconds: driving, from: input.driver)
        let handling = max(input.handlingSeconds, 0)
        let elapsed = plan.totalSeconds + handling
        let work = elapsed - Double(plan.dailyRests) * rules.dailyRest
        let deadKm = Exact.decimal((input.deadhead?.meters ?? 0) / 1000, places: 3)
        let loadedKm = Exact.decimal(input.loaded.meters / 1000, places: 3)
        let km = deadKm + loadedKm
        let workHours = Exact.decimal(work / 3600, places: 3)
        let days = Exact.decimal(elapsed / 86_400, places: 4)

        // Fuel: empty to the pickup, then at the load's share of the payload.
        let consumption =
            s.fuelConsumption[input.vehicleClass] ?? CostSettings.defaultConsumption[input.vehicleClass]
            ?? CostSettings.defaultConsumption["articulated"]!
        let capacity = input.payloadCapacityKg.flatMap { $0 > 0 ? $0 : nil } ?? typicalPayloadKg[input.vehicleClass] ?? 24_000
        if input.payloadCapacityKg == nil || input.payloadCapacityKg! <= 0 {
            notes.append("payload capacity unknown: load share from a typical \(input.vehicleClass) (\(Int(capacity)) kg)")
        }
        let loadShare = min(max(input.cargoWeightKg / capacity, 0), 1)
        let loadedPer100 = Exact.decimal(consumption.empty + (consumption.loaded - consumption.empty) * loadShare, places: 3)
        let emptyPer100 = Exact.decimal(consumption.empty, places: 3)
        let deadLitres = Exact.rounded(deadKm * emptyPer100 / 100, places: 3)
        let loadedLitres = Exact.rounded(loadedKm * loadedPer100 / 100, places: 3)
        let price = rate(s.fuelPricePerLitre)
        var fuelParts = [part("diesel, loaded (\(Exact.string(loadedPer100, places: 3)) l/100 km)", loadedLitres, "l", price)]
        if input.deadhead != nil {
            fuelParts.insert(part("diesel, empty to pickup (\(Exact.string(emptyPer100, places: 3)) l/100 km)", deadLitres, "l", price), at: 0)
        }

        // Driver: the hours worked, any per-km pay, and a per-diem for each night away.
        var driverParts = [part("hours worked (driving, breaks, handling)", workHours, "h", rate(s.driverPay.perHour))]
        if s.driverPay.perKm != 0 { driverParts.append(part("per km", km, "km", rate(s.driverPay.perKm))) }
        if plan.dailyRests > 0 { driverParts.append(part("per-diem", Decimal(plan.dailyRests), "night", rate(s.perDiemPerNight))) }

        // Tolls: the tolled stretches by country at the carrier's or the shipped rate; legs whose router
        // gave no detail pay the carrier's flat toll rate over their whole length.
        var shares: [String?: (meters: Double, rate: Decimal, source: String)] = [:]
        var tollParts: [CostAnalysis.Line.Part] = []
        var tollMeters = 0.0
        var unlocated = false
        for (name, leg) in [("empty to pickup", input.deadhead), ("loaded", Optional(input.loaded))] {
            guard let leg else { continue }
            guard let composition = leg.composition else {
                let legKm = Exact.decimal(leg.meters / 1000, places: 3)
                tollParts.append(part("flat rate, \(name) leg (no toll detail)", legKm, "km", rate(s.tolls.perKm)))
                notes.append("\(name) leg: no road detail from the router (\(leg.source)): tolls at the flat \(s.tolls.perKm) per km")
                continue
            }
            for stretch in composition.tollStretches {
                tollMeters += stretch.meters
                let country = CountryLocator.country(of: stretch.point)
                if let country,
                    let found = TollRateTable.rate(
                        country: country, vehicleClass: input.vehicleClass, carrier: s.tollRates, currency: currency, eurToRon: eurToRon)
                {
                    shares[country, default: (0, found.perKm, found.carriers ? "carrier" : "standard")].meters += stretch.meters
                } else {
                    unlocated = true
                    shares[nil, default: (0, rate(s.tolls.perKm), "flat")].meters += stretch.meters
                }
            }
        }
        if unlocated { notes.append("some tolled stretches lie outside the toll table's countries: the flat \(s.tolls.perKm) per km") }
        if tollMeters > 0 { notes.append("toll countries from coarse country boxes: near a border a stretch may be counted in the neighbour") }
        var tolls: [CostAnalysis.TollShare] = []
        for (country, share) in shares.sorted(by: { ($0.key ?? "~") < ($1.key ?? "~") }) {
            let tollKm = Exact.decimal(share.meters / 1000, places: 3)
            let p = part("tolled road in \(country ?? "unknown country") (\(share.source) rate)", tollKm, "km", share.rate)
            tollParts.append(p)
            tolls.append(.init(country: country, meters: share.meters, ratePerKm: share.rate, rateSource: share.source, amount: p.amount))
        }
        if tollParts.isEmpty { tollParts.append(part("no tolled road on the route", 0, "km", 0)) }

        // The vehicle: its day rate over the trip's elapsed time, and wear per km and per hour.
        var vehicleParts = [
            part("fixed cost, prorated", days, "day", rate(s.vehicleCostPerDay)),
            part("maintenance and tyres", km, "km", rate(s.maintenance.perKm)),
        ]
        if s.maintenance.perHour != 0 { vehicleParts.append(part("maintenance per hour", workHours, "h", rate(s.maintenance.perHour))) }
        var insuranceParts: [CostAnalysis.Line.Part] = []
        if s.insurance.perKm != 0 || s.insurance.perHour == 0 { insuranceParts.append(part("per km", km, "km", rate(s.insurance.perKm))) }
        if s.insurance.perHour != 0 { insuranceParts.append(part("per hour", workHours, "h", rate(s.insurance.perHour))) }

        let lines = [
            line("fuel", fuelParts), line("driver", driverParts), line("tolls", tollParts), line("vehicle", vehicleParts),
            line("insurance", insuranceParts),
        ]

        // Road classes over the legs that carry them.
        var byClass: [String: Double] = [:]
        var classified = 0.0
        for leg in [input.deadhead, input.loaded] {
            guard let composition = leg?.composition else { continue }
            for (roadClass, meters) in composition.metersByClass { byClass[roadClass.name, default: 0] += meters }
            classified += composition.totalMeters
        }
        let classShares = classified > 0 ? byClass.mapValues { $0 / classified } : [:]

        notes += defaultsNotes(s, all: input.settingsAreDefaults)
        for (name, leg) in [("empty to pickup", input.deadhead), ("loaded", Optional(input.loaded))] where leg?.source == "heuristic" {
            notes.append("\(name) leg: no road route, distance and time are the heuristic's estimate")
        }
        if input.driver.drivenTodaySeconds > 0 {
            notes.append(
                "the driver has driven \(Int(input.driver.drivenTodaySeconds / 60)) min today (estimated from the track): breaks and rests planned from there"
            )
        }
        return CostAnalysis(
            deadhead: input.deadhead, loaded: input.loaded, drivingSeconds: plan.drivingSeconds, elapsedSeconds: elapsed,
            workSeconds: work, handlingSeconds: handling, breaks: plan.breaks, dailyRests: plan.dailyRests, nightsAway: plan.dailyRests,
            roadClassShares: classShares, tollMeters: tollMeters, tolls: tolls, fuelLitres: deadLitres + loadedLitres, lines: lines,
            total: Money.sum(lines.map(\.amount), currency: currency), currency: currency, notes: notes)
    }

    /// "X: default" for each figure the carrier did not set.
    static func defaultsNotes(_ s: CostSettings, all: Bool) -> [String] {
        if all { return ["no cost settings saved: every rate is GeoFleet's default (see README, \"Cost settings\")"] }
        let figures: [(String, String)] = [
            ("fuelPricePerLitre", "fuel price \(s.fuelPricePerLitre) per litre"), ("fuelConsumption", "fuel consumption table"),
            ("driverPay", "driver pay"), ("perDiemPerNight", "per-diem \(s.perDiemPerNight) per night"),
            ("vehicleCostPerDay", "vehicle cost \(s.vehicleCostPerDay) per day"), ("maintenance", "maintenance"),
            ("insurance", "insurance"), ("tollRates", "toll rates (shipped table)"), ("baseMargin", "target margin"),
        ]
        let unset = figures.filter { !s.explicitFields.contains($0.0) }.map(\.1)
        return unset.isEmpty ? [] : ["defaults used: " + unset.joined(separator: ", ")]
    }
}
