import Foundation
import GeoFleetCore

/// The market on one lane: which accepted deals compare with a load, and their prices.
///
/// A deal compares when it is within `windowDays` of the load's date, its weight within ±50 % of the
/// load's, and either both its ends lie within `radiusMeters` of the load's or both loads carry
/// countries and the country pairs are the same. Prices are brought to the load's straight-line
/// distance (a deal over a longer lane between the same countries costs more) and to one currency.
public struct LaneMarket: Sendable, Equatable {
    /// One comparable deal and how close it is.
    public struct Comparable: Sendable, Equatable {
        public var deal: MarketDeal
        /// The farther of the two ends' distances to the load's, metres.
        public var offsetMeters: Double
        /// `radius` or `countries`.
        public var matchedBy: String
        /// Its price in the target currency, scaled to the load's straight-line distance.
        public var normalisedPrice: Decimal
    }

    /// What is asked of the market.
    public struct Lane: Sendable, Equatable {
        public var origin: GeoPoint
        public var originCountry: String?
        public var destination: GeoPoint
        public var destinationCountry: String?
        public var date: Int64
        public var weightKg: Double

        public init(origin: GeoPoint, originCountry: String?, destination: GeoPoint, destinationCountry: String?, date: Int64, weightKg: Double) {
            self.origin = origin
            self.originCountry = originCountry
            self.destination = destination
            self.destinationCountry = destinationCountry
            self.date = date
            self.weightKg = weightKg
        }
    }

    public static let radiusMeters = 50_000.0
    public static let windowDays: Int64 = 90
    public static let weightTolerance = 0.5

    public var comparables: [Comparable]
    public var currency: Currency

    public var count: Int { comparables.count }

    /// The deals of `deals` that compare with `lane`, priced in `currency`.
    public init(lane: Lane, deals: [MarketDeal], currency: Currency, eurToRon: Decimal) {
        self.currency = currency
        let window = Self.windowDays * 86_400_000
        let laneMeters = Self.crow(lane.origin, lane.destination)
        var found: [Comparable] = []
        for deal in deals {
            guard abs(deal.date - lane.date) <= window, lane.weightKg > 0,
                abs(deal.weightKg - lane.weightKg) <= lane.weightKg * Self.weightTolerance
            else { continue }
            let offset = max(Self.crow(deal.origin, lane.origin), Self.crow(deal.destination, lane.destination))
            let matchedBy: String
            if offset <= Self.radiusMeters {
                matchedBy = "radius"
            } else if let a = lane.originCountry, let b = lane.destinationCountry, a == deal.originCountry, b == deal.destinationCountry {
                matchedBy = "countries"
            } else {
                continue
            }
            let dealMeters = Self.crow(deal.origin, deal.destination)
            // Scale by distance only where both lanes are long enough for the ratio to mean something.
            let scale = dealMeters >= 5_000 && laneMeters >= 5_000 ? Exact.decimal(laneMeters / dealMeters, places: 4) : 1
            let price = deal.price * deal.currency.factor(to: currency, eurToRon: eurToRon) * scale
            found.append(.init(deal: deal, offsetMeters: offset, matchedBy: matchedBy, normalisedPrice: Exact.rounded(price, places: 2)))
        }
        comparables = found.sorted { ($0.normalisedPrice, $0.deal.id) < ($1.normalisedPrice, $1.deal.id) }
    }

    /// The `q` quantile (0…1) of the normalised prices, linear between neighbours; nil without deals.
    public func quantile(_ q: Double) -> Money? {
        guard !comparables.isEmpty else { return nil }
        let prices = comparables.map(\.normalisedPrice)
        let position = min(max(q, 0), 1) * Double(prices.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, prices.count - 1)
        let fraction = Exact.decimal(position - Double(lower), places: 6)
        return Money(rounding: prices[lower] + (prices[upper] - prices[lower]) * fraction, currency: currency)
    }

    public var median: Money? { quantile(0.5) }

    /// Mean of the farther-end offsets, km.
    public var meanOffsetKm: Double {
        comparables.isEmpty ? 0 : comparables.reduce(0) { $0 + $1.offsetMeters } / Double(comparables.count) / 1000
    }

    static func crow(_ a: GeoPoint, _ b: GeoPoint) -> Double {
        GreatCircle.distanceMeters(lat1: a.latitude, lon1: a.longitude, lat2: b.latitude, lon2: b.longitude)
    }
}
