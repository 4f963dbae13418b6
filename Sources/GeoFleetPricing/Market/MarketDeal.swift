import Foundation
import GeoFleetCore

/// A load the marketplace saw accepted: where from and to, when, how heavy, and the price agreed.
public struct MarketDeal: Sendable, Equatable {
    public var id: String
    public var origin: GeoPoint
    /// ISO 3166-1 alpha-2, when the marketplace knows it.
    public var originCountry: String?
    public var destination: GeoPoint
    public var destinationCountry: String?
    /// The day of the deal, ms since the epoch (UTC midnight).
    public var date: Int64
    public var weightKg: Double
    public var price: Decimal
    public var currency: Currency

    public init(
        id: String, origin: GeoPoint, originCountry: String?, destination: GeoPoint, destinationCountry: String?, date: Int64,
        weightKg: Double, price: Decimal, currency: Currency
    ) {
        self.id = id
        self.origin = origin
        self.originCountry = originCountry
        self.destination = destination
        self.destinationCountry = destinationCountry
        self.date = date
        self.weightKg = weightKg
        self.price = price
        self.currency = currency
    }
}
