/// A carrier's running costs (the marketplace's CostSettings), each per kilometre and per hour, so that
/// fuel can be per km and driver pay per hour, or anything else a carrier counts; and the figures a
/// trip's itemised cost analysis needs (fuel by consumption, per-diem, the truck's day rate, tolls).
///
/// Amounts are in `currency`. Stored as JSON: fields a stored document lacks take their defaults.
public struct CostSettings: Sendable, Hashable, Codable {
    /// One cost item: an amount per km driven plus an amount per hour worked (driving, breaks, waiting).
    public struct Rate: Sendable, Hashable, Codable {
        public var perKm: Double
        public var perHour: Double

        public init(perKm: Double = 0, perHour: Double = 0) {
            self.perKm = perKm
            self.perHour = perHour
        }
    }

    /// Litres per 100 km of one vehicle class, empty and at full payload (linear in between).
    public struct Consumption: Sendable, Hashable, Codable {
        public var empty: Double
        public var loaded: Double

        public init(empty: Double, loaded: Double) {
            self.empty = empty
            self.loaded = loaded
        }
    }

    public var driverPay: Rate
    public var fuel: Rate
    public var maintenance: Rate
    public var tolls: Rate
    public var insurance: Rate
    /// The margin the carrier wants on top of cost (0.1 = 10 %), for quotes.
    public var baseMargin: Double
    /// `EUR` or `RON`: the currency of every amount here and of the analyses.
    public var currency: String
    /// RON per EUR, to bring the EUR toll table and deals priced in the other currency to `currency`.
    public var eurToRon: Double
    /// Diesel price per litre.
    public var fuelPricePerLitre: Double
    /// Per vehicle class name (`van`, `rigid`, `articulated`, `car`).
    public var fuelConsumption: [String: Consumption]
    /// Paid per night the driver spends away (a daily rest on the road).
    public var perDiemPerNight: Double
    /// Leasing, depreciation, vignettes and parking per day of the truck's time, prorated by the hour.
    public var vehicleCostPerDay: Double
    /// Per-km toll rates the carrier sets, by ISO country code then vehicle class name; they replace the shipped table's.
    public var tollRates: [String: [String: Double]]
    /// Fields the carrier set (the rest are defaults, which the analyses say).
    public var explicitFields: Set<String>

    public init(
        driverPay: Rate, fuel: Rate, maintenance: Rate, tolls: Rate, insurance: Rate, baseMargin: Double = 0.1,
        currency: String = "EUR", eurToRon: Double = CostSettings.defaultEURToRON, fuelPricePerLitre: Double = 1.45,
        fuelConsumption: [String: Consumption] = CostSettings.defaultConsumption, perDiemPerNight: Double = 60,
        vehicleCostPerDay: Double = 150, tollRates: [String: [String: Double]] = [:], explicitFields: Set<String> = []
    ) {
        self.driverPay = driverPay
        self.fuel = fuel
        self.maintenance = maintenance
        self.tolls = tolls
        self.insurance = insurance
        self.baseMargin = baseMargin
        self.currency = currency
        self.eurToRon = eurToRon
        self.fuelPricePerLitre = fuelPricePerLitre
        self.fuelConsumption = fuelConsumption
        self.perDiemPerNight = perDiemPerNight
        self.vehicleCostPerDay = vehicleCostPerDay
        self.tollRates = tollRates
        self.explicitFields = explicitFields
    }

    /// Typical 40 t Romanian/EU long-haul costs, used until a carrier sets its own: driver 15 €/h,
    /// diesel 30 l/100 km at 1.45 €/l, maintenance and tyres 0.12 €/km, road tolls 0.18 €/km, insurance 3 €/h.
    public static let defaults = CostSettings(
        driverPay: Rate(perHour: 15), fuel: Rate(perKm: 0.435), maintenance: Rate(perKm: 0.12),
        tolls: Rate(perKm: 0.18), insurance: Rate(perHour: 3))

    /// Litres per 100 km, empty and full: vans 9–11, rigid 18–26 t trucks 22–28, 40 t articulated 24–33
    /// (Euro VI fleet averages as published by ACEA and the IRU; a 2/3-loaded articulated truck burns ≈ 30).
    public static let defaultConsumption: [String: Consumption] = [
        "car": Consumption(empty: 6.5, loaded: 7.5), "van": Consumption(empty: 9, loaded: 11),
        "rigid": Consumption(empty: 22, loaded: 28), "articulated": Consumption(empty: 24, loaded: 33),
    ]

    /// RON per EUR: the National Bank of Romania's reference rate, late 2026 (≈ 4.97–5.10 through 2025–26).
    public static let defaultEURToRON = 5.05

    public var perKm: Double { driverPay.perKm + fuel.perKm + maintenance.perKm + tolls.perKm + insurance.perKm }
    public var perHour: Double { driverPay.perHour + fuel.perHour + maintenance.perHour + tolls.perHour + insurance.perHour }

    /// The cost of `km` driven over `hours` worked.
    public func cost(km: Double, hours: Double) -> Double { perKm * km + perHour * hours }

    private enum Keys: String, CodingKey {
        case driverPay, fuel, maintenance, tolls, insurance, baseMargin, currency, eurToRon, fuelPricePerLitre, fuelConsumption
        case perDiemPerNight, vehicleCostPerDay, tollRates, explicitFields
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let d = CostSettings.defaults
        self.init(
            driverPay: try c.decode(Rate.self, forKey: .driverPay), fuel: try c.decode(Rate.self, forKey: .fuel),
            maintenance: try c.decode(Rate.self, forKey: .maintenance), tolls: try c.decode(Rate.self, forKey: .tolls),
            insurance: try c.decode(Rate.self, forKey: .insurance), baseMargin: try c.decodeIfPresent(Double.self, forKey: .baseMargin) ?? 0.1,
            currency: try c.decodeIfPresent(String.self, forKey: .currency) ?? d.currency,
            eurToRon: try c.decodeIfPresent(Double.self, forKey: .eurToRon) ?? d.eurToRon,
            fuelPricePerLitre: try c.decodeIfPresent(Double.self, forKey: .fuelPricePerLitre) ?? d.fuelPricePerLitre,
            fuelConsumption: try c.decodeIfPresent([String: Consumption].self, forKey: .fuelConsumption) ?? d.fuelConsumption,
            perDiemPerNight: try c.decodeIfPresent(Double.self, forKey: .perDiemPerNight) ?? d.perDiemPerNight,
            vehicleCostPerDay: try c.decodeIfPresent(Double.self, forKey: .vehicleCostPerDay) ?? d.vehicleCostPerDay,
            tollRates: try c.decodeIfPresent([String: [String: Double]].self, forKey: .tollRates) ?? [:],
            // A document from before these fields: the five rates and the margin were the carrier's.
            explicitFields: try c.decodeIfPresent(Set<String>.self, forKey: .explicitFields)
                ?? ["driverPay", "fuel", "maintenance", "tolls", "insurance", "baseMargin"])
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(driverPay, forKey: .driverPay)
        try c.encode(fuel, forKey: .fuel)
        try c.encode(maintenance, forKey: .maintenance)
        try c.encode(tolls, forKey: .tolls)
        try c.encode(insurance, forKey: .insurance)
        try c.encode(baseMargin, forKey: .baseMargin)
        try c.encode(currency, forKey: .currency)
        try c.encode(eurToRon, forKey: .eurToRon)
        try c.encode(fuelPricePerLitre, forKey: .fuelPricePerLitre)
        try c.encode(fuelConsumption, forKey: .fuelConsumption)
        try c.encode(perDiemPerNight, forKey: .perDiemPerNight)
        try c.encode(vehicleCostPerDay, forKey: .vehicleCostPerDay)
        try c.encode(tollRates, forKey: .tollRates)
        try c.encode(explicitFields.sorted(), forKey: .explicitFields)
    }
}
