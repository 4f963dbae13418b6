import Foundation

/// The price to quote for a load: the trip's cost plus the carrier's target margin, moved towards the
/// lane's median accepted price in proportion to how much market there is.
public struct QuoteSuggestion: Sendable, Equatable {
    public var suggestedPrice: Money
    /// `high`, `medium` or `low`.
    public var confidence: String
    public var reasoning: [String]
    public var costPlusPrice: Money
    public var comparableDeals: Int
    /// How far the market moved the price: 0 (cost-plus) … 1 (the lane median).
    public var marketWeight: Decimal
    public var market: LaneMarket

    /// Fewer comparable deals than this and the market is not used.
    public static let minimumDeals = 3
    /// The market's weight is n / (n + this): 3 deals 0.23, 10 deals 0.5, 30 deals 0.75.
    public static let halfWeightDeals = 10

    public static func suggest(cost: Money, targetMargin: Double, market: LaneMarket) -> QuoteSuggestion {
        let target = Exact.decimal(targetMargin, places: 4)
        let costPlus = Money(rounding: cost.decimal * (1 + target), currency: cost.currency)
        var reasoning = [
            "trip cost \(cost) (fuel, driver, tolls, vehicle, insurance; see cost-analysis)",
            "cost plus the \(ProfitAnalysis.percent(target)) target margin: \(costPlus)",
        ]
        let n = market.count
        guard n >= minimumDeals, let median = market.median, let p25 = market.quantile(0.25), let p75 = market.quantile(0.75) else {
            reasoning.append(
                n == 0
                    ? "no comparable accepted deals on this lane (ends within 50 km or the same countries, last 90 days, weight ±50 %): cost-plus only"
                    : "only \(n) comparable deal\(n == 1 ? "" : "s") (fewer than \(minimumDeals)): cost-plus only")
            return QuoteSuggestion(
                suggestedPrice: costPlus, confidence: "low", reasoning: reasoning, costPlusPrice: costPlus, comparableDeals: n,
                marketWeight: 0, market: market)
        }
        let weight = Exact.rounded(Decimal(n) / Decimal(n + halfWeightDeals), places: 4)
        var price = Money(rounding: costPlus.decimal + (median.decimal - costPlus.decimal) * weight, currency: cost.currency)
        reasoning.append(
            "\(n) comparable deals: median \(median), quartiles \(p25) – \(p75), ends \(Exact.string(Decimal(market.meanOffsetKm), places: 1)) km away on average; prices scaled to this lane's length"
        )
        reasoning.append(
            "market weight \(Exact.string(weight, places: 4)) = \(n) / (\(n) + \(halfWeightDeals)): cost-plus moved that far towards the median")
        if price < cost {
            price = cost
            reasoning.append("the market is below this trip's cost: suggesting the cost itself, \(cost); consider declining")
        }
        reasoning.append("suggested price \(price)")
        let byRadius = market.comparables.filter { $0.matchedBy == "radius" }.count
        let confidence = n >= 20 && byRadius * 2 >= n ? "high" : (n >= 5 ? "medium" : "low")
        return QuoteSuggestion(
            suggestedPrice: price, confidence: confidence, reasoning: reasoning, costPlusPrice: costPlus, comparableDeals: n,
            marketWeight: weight, market: market)
    }
}
