import Foundation

/// A trip's itemised cost: the route's figures, each cost line with how it was computed, and the total.
public struct CostAnalysis: Sendable, Equatable {
    /// One line of the bill: `quantity × rate` summed over its parts, rounded to cents.
    public struct Line: Sendable, Equatable {
        /// What was counted: `12.345 km × 0.1200`, `4.250 h × 15.0000`.
        public struct Part: Sendable, Equatable {
            public var label: String
            public var quantity: Decimal
            public var unit: String
            public var rate: Decimal
            public var amount: Money
        }

        public var item: String
        public var parts: [Part]
        public var amount: Money
    }

    /// Tolled distance in one country with its rate.
    public struct TollShare: Sendable, Equatable {
        public var country: String?
        public var meters: Double
        public var ratePerKm: Decimal
        public var rateSource: String
        public var amount: Money
    }

    public var deadhead: TripLeg?
    public var loaded: TripLeg
    public var drivingSeconds: Double
    /// Driving, breaks, daily rests and handling: the trip's elapsed time.
    public var elapsedSeconds: Double
    /// What the driver is paid for: driving, breaks and handling (not the daily rests).
    public var workSeconds: Double
    public var handlingSeconds: Double
    public var breaks: Int
    public var dailyRests: Int
    public var nightsAway: Int
    /// Shares of the distance per road class name, of the legs whose router said.
    public var roadClassShares: [String: Double]
    public var tollMeters: Double
    public var tolls: [TollShare]
    public var fuelLitres: Decimal
    public var lines: [Line]
    public var total: Money
    public var currency: Currency
    /// Which inputs were defaults or estimates, in words.
    public var notes: [String]

    public var meters: Double { (deadhead?.meters ?? 0) + loaded.meters }

    public func line(_ item: String) -> Line? { lines.first { $0.item == item } }

    /// Total per km driven (deadhead included).
    public var perKm: Decimal {
        let km = Exact.decimal(meters / 1000, places: 3)
        return km > 0 ? Exact.rounded(total.decimal / km, places: 4) : 0
    }

    /// Total per tonne of the load.
    public func perTonne(weightKg: Double) -> Decimal {
        let tonnes = Exact.decimal(weightKg / 1000, places: 3)
        return tonnes > 0 ? Exact.rounded(total.decimal / tonnes, places: 2) : 0
    }
}
