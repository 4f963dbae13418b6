import Foundation
import GeoFleetCore
import Testing
@testable import GeoFleetPricing

@Suite struct LaneMarketTests {
    static let day: Int64 = 86_400_000
    static let now: Int64 = 1_796_601_600_000 // 2026-12-07
    static let bucharest = GeoPoint(latitude: 44.43, longitude: 26.10)
    static let cluj = GeoPoint(latitude: 46.77, longitude: 23.59)
    static let lane = LaneMarket.Lane(
        origin: bucharest, originCountry: "RO", destination: cluj, destinationCountry: "RO", date: now, weightKg: 20_000)

    static func deal(
        _ id: Int, price: Int, origin: GeoPoint = bucharest, destination: GeoPoint = cluj, daysAgo: Int64 = 10, weight: Double = 20_000,
        countries: (String?, String?) = ("RO", "RO"), currency: Currency = .eur
    ) -> MarketDeal {
        MarketDeal(
            id: "d\(id)", origin: origin, originCountry: countries.0, destination: destination, destinationCountry: countries.1,
            date: now - daysAgo * day, weightKg: weight, price: Decimal(price), currency: currency)
    }

    @Test("comparable: ends within 50 km or the same countries, 90 days, weight ±50 %")
    func comparables() {
        let near = GeoPoint(latitude: 44.70, longitude: 26.10) // 30 km north of Bucharest
        let far = GeoPoint(latitude: 45.30, longitude: 26.10) // 97 km
        let deals = [
            Self.deal(1, price: 1000, origin: near),
            Self.deal(2, price: 1000, origin: far, countries: (nil, nil)), // too far, no countries
            Self.deal(3, price: 1000, origin: far), // too far, but RO → RO
            Self.deal(4, price: 1000, daysAgo: 91),
            Self.deal(5, price: 1000, weight: 9_000),
            Self.deal(6, price: 1000, weight: 30_000),
        ]
        let market = LaneMarket(lane: Self.lane, deals: deals, currency: .eur, eurToRon: 5)
        #expect(Set(market.comparables.map(\.deal.id)) == ["d1", "d3", "d6"])
        #expect(market.comparables.first { $0.deal.id == "d1" }?.matchedBy == "radius")
        #expect(market.comparables.first { $0.deal.id == "d3" }?.matchedBy == "countries")
    }

    @Test("prices scale to the lane's length and convert currency")
    func normalised() throws {
        let market = LaneMarket(
            lane: Self.lane, deals: [Self.deal(1, price: 5000, currency: .ron)], currency: .eur, eurToRon: 5)
        #expect(try #require(market.comparables.first).normalisedPrice == 1000)
        // A RO → RO deal twice as long (straight line) counts at half its price.
        let brasov = GeoPoint(latitude: 45.65, longitude: 25.60)
        let half = LaneMarket(
            lane: .init(origin: Self.bucharest, originCountry: "RO", destination: brasov, destinationCountry: "RO", date: Self.now, weightKg: 20_000),
            deals: [Self.deal(1, price: 1000)], currency: .eur, eurToRon: 5)
        let ratio =
            GreatCircle.distanceMeters(lat1: 44.43, lon1: 26.10, lat2: 45.65, lon2: 25.60)
            / GreatCircle.distanceMeters(lat1: 44.43, lon1: 26.10, lat2: 46.77, lon2: 23.59)
        let price = try #require(half.comparables.first).normalisedPrice
        #expect(abs(Exact.double(price) - 1000 * ratio) < 0.1)
    }

    @Test("no comparable deals: cost-plus, low confidence, and the reasoning says so")
    func costPlusOnly() {
        let cost = Money(cents: 100_000, currency: .eur)
        let q = QuoteSuggestion.suggest(cost: cost, targetMargin: 0.12, market: LaneMarket(lane: Self.lane, deals: [], currency: .eur, eurToRon: 5))
        #expect(q.suggestedPrice.decimalString == "1120.00")
        #expect(q.confidence == "low" && q.comparableDeals == 0 && q.marketWeight == 0)
        #expect(q.reasoning.contains { $0.contains("no comparable") && $0.contains("cost-plus only") })
    }

    @Test("30 comparable deals: the lane median moves the price by 30/40 of the way")
    func marketMoves() {
        let cost = Money(cents: 100_000, currency: .eur)
        let deals = (0..<30).map { Self.deal($0, price: 1400 + ($0 % 3) * 100) } // 1400, 1500, 1600: median 1500
        let market = LaneMarket(lane: Self.lane, deals: deals, currency: .eur, eurToRon: 5)
        #expect(market.median?.decimalString == "1500.00")
        let q = QuoteSuggestion.suggest(cost: cost, targetMargin: 0.12, market: market)
        // 1120 + (1500 − 1120) × 0.75 = 1405.
        #expect(q.marketWeight == Decimal(string: "0.75"))
        #expect(q.suggestedPrice.decimalString == "1405.00")
        #expect(q.comparableDeals == 30 && q.confidence == "high")
        #expect(q.reasoning.contains { $0.contains("1500.00") && $0.contains("30 comparable") })
        // A market below cost never takes the suggestion under the cost.
        let cheap = LaneMarket(lane: Self.lane, deals: (0..<30).map { Self.deal($0, price: 500) }, currency: .eur, eurToRon: 5)
        #expect(QuoteSuggestion.suggest(cost: cost, targetMargin: 0.12, market: cheap).suggestedPrice == cost)
        // Two deals are not a market.
        let two = LaneMarket(lane: Self.lane, deals: [Self.deal(1, price: 3000), Self.deal(2, price: 3000)], currency: .eur, eurToRon: 5)
        #expect(QuoteSuggestion.suggest(cost: cost, targetMargin: 0.12, market: two).suggestedPrice.decimalString == "1120.00")
    }
}
