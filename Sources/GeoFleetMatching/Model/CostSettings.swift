/// A carrier's running costs (the marketplace's CostSettings), each per kilometre and per hour, so that
/// fuel can be per km and driver pay per hour, or anything else a carrier counts.
public struct CostSettings: Sendable, Equatable, Codable {
    /// One cost item: an amount per km driven plus an amount per hour worked (driving, breaks, waiting).
    public struct Rate: Sendable, Equatable, Codable {
        public var perKm: Double
        public var perHour: Double

        public init(perKm: Double = 0, perHour: Double = 0) {
            self.perKm = perKm
            self.perHour = perHour
        }
    }

    public var driverPay: Rate
    public var fuel: Rate
    public var maintenance: Rate
    public var tolls: Rate
    public var insurance: Rate
    /// The margin the carrier wants on top of cost (0.1 = 10 %), for quotes.
    public var baseMargin: Double

    public init(driverPay: Rate, fuel: Rate, maintenance: Rate, tolls: Rate, insurance: Rate, baseMargin: Double = 0.1) {
        self.driverPay = driverPay
        self.fuel = fuel
        self.maintenance = maintenance
        self.tolls = tolls
        self.insurance = insurance
        self.baseMargin = baseMargin
    }

    /// Typical 40 t Romanian/EU long-haul costs, used until a carrier sets its own: driver 15 €/h,
    /// diesel 30 l/100 km at 1.45 €/l, maintenance and tyres 0.12 €/km, road tolls 0.18 €/km, insurance 3 €/h.
    public static let defaults = CostSettings(
        driverPay: Rate(perHour: 15), fuel: Rate(perKm: 0.435), maintenance: Rate(perKm: 0.12),
        tolls: Rate(perKm: 0.18), insurance: Rate(perHour: 3))

    public var perKm: Double { driverPay.perKm + fuel.perKm + maintenance.perKm + tolls.perKm + insurance.perKm }
    public var perHour: Double { driverPay.perHour + fuel.perHour + maintenance.perHour + tolls.perHour + insurance.perHour }

    /// The cost of `km` driven over `hours` worked.
    public func cost(km: Double, hours: Double) -> Double { perKm * km + perHour * hours }
}
