import Foundation

/// The trip's cost against the load's price: margin, what to do, how sure, and why.
public struct ProfitAnalysis: Sendable, Equatable {
    /// `accept`, `negotiate` or `decline`.
    public var recommendation: String
    /// `high`, `medium` or `low`.
    public var confidence: String
    /// (price − cost) / price, to 4 places; nil when the load has no price.
    public var margin: Decimal?
    public var profit: Money?
    /// The price that would meet the carrier's target margin: cost × (1 + target).
    public var breakEvenPrice: Money
    public var targetPrice: Money
    public var notes: [String]

    /// Judges `analysis` against `price` (already in the analysis's currency).
    /// - accept: the margin reaches the target; negotiate: it is positive but short of it, or there is no price;
    ///   decline: the price does not cover the cost.
    /// - high confidence: road routes with toll detail, the carrier's own settings and a position under 30 min old;
    ///   low: a leg is the heuristic's estimate; medium otherwise.
    public static func assess(
        _ analysis: CostAnalysis, price: Money?, targetMargin: Double, positionAgeMinutes: Double?, settingsAreDefaults: Bool
    ) -> ProfitAnalysis {
        let target = Exact.decimal(targetMargin, places: 4)
        let cost = analysis.total
        let targetPrice = Money(rounding: cost.decimal * (1 + target), currency: cost.currency)
        var notes = analysis.notes
        let legs = [analysis.deadhead, analysis.loaded].compactMap { $0 }
        let heuristic = legs.contains { $0.source == "heuristic" }
        let detailed = legs.allSatisfy { $0.composition != nil }
        let fresh = analysis.deadhead == nil || (positionAgeMinutes.map { $0 <= 30 } ?? false)
        let confidence = heuristic ? "low" : (detailed && !settingsAreDefaults && fresh ? "high" : "medium")
        if analysis.deadhead != nil, !fresh {
            notes.append("the vehicle's position is \(positionAgeMinutes.map { "\(Int($0)) min" } ?? "of unknown age") old: the empty leg may be off")
        }
        guard let price, price.cents > 0 else {
            notes.append("the load has no price: quote at least \(targetPrice) (cost plus the \(percent(target)) target margin)")
            return ProfitAnalysis(
                recommendation: "negotiate", confidence: confidence, margin: nil, profit: nil, breakEvenPrice: cost, targetPrice: targetPrice,
                notes: notes)
        }
        let profit = Money(cents: price.cents - cost.cents, currency: cost.currency)
        let margin = Exact.rounded(profit.decimal / price.decimal, places: 4)
        let recommendation: String
        if margin >= target {
            recommendation = "accept"
            notes.append("margin \(percent(margin)) meets the \(percent(target)) target")
        } else if margin >= 0 {
            recommendation = "negotiate"
            notes.append("margin \(percent(margin)) is below the \(percent(target)) target: ask \(targetPrice)")
        } else {
            recommendation = "decline"
            notes.append("the price \(price) does not cover the cost \(cost)")
        }
        return ProfitAnalysis(
            recommendation: recommendation, confidence: confidence, margin: margin, profit: profit, breakEvenPrice: cost,
            targetPrice: targetPrice, notes: notes)
    }

    static func percent(_ fraction: Decimal) -> String { Exact.string(fraction * 100, places: 1) + " %" }
}
