/// The numbers of one vehicle taking one load: revenue, cost, profit and profit per hour
/// over deadhead + loaded distance and the whole elapsed time (breaks, waiting and handling included).
public struct TripEconomics: Sendable, Equatable {
    public var deadheadKm: Double
    public var loadedKm: Double
    public var hours: Double
    public var revenue: Double
    public var cost: Double

    public var profit: Double { revenue - cost }
    public var profitPerHour: Double { hours > 0 ? profit / hours : 0 }
    /// The share of the kilometres driven empty.
    public var deadheadShare: Double { deadheadKm + loadedKm > 0 ? deadheadKm / (deadheadKm + loadedKm) : 0 }

    public init(deadheadKm: Double, loadedKm: Double, hours: Double, revenue: Double, cost: Double) {
        self.deadheadKm = deadheadKm
        self.loadedKm = loadedKm
        self.hours = hours
        self.revenue = revenue
        self.cost = cost
    }

    /// The economics of a trip planned by `FitCheck.timing`.
    public init(cargo: Cargo, deadheadMeters: Double, loadedMeters: Double, timing: FitCheck.Timing, costs: CostSettings) {
        let km = (deadheadMeters + loadedMeters) / 1000
        let hours = timing.totalSeconds / 3600
        self.init(
            deadheadKm: deadheadMeters / 1000, loadedKm: loadedMeters / 1000, hours: hours,
            revenue: cargo.totalPrice ?? 0, cost: costs.cost(km: km, hours: hours))
    }
}
