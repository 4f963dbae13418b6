import Foundation

/// The currencies GeoFleet prices in: the marketplace's (EUR) and Romania's (RON).
public enum Currency: String, Sendable, CaseIterable, Codable {
    case eur = "EUR"
    case ron = "RON"

    /// The factor that turns an amount in `self` into `target`, at `eurToRon` RON per EUR.
    public func factor(to target: Currency, eurToRon: Decimal) -> Decimal {
        switch (self, target) {
        case (.eur, .ron): return eurToRon
        case (.ron, .eur): return 1 / eurToRon
        default: return 1
        }
    }
}
