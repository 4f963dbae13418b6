import Foundation
import GeoFleetCore
import GeoFleetPricing
import Logging
import PostgresNIO
import Synchronization

/// The accepted deals the marketplace reports, in PostGIS (`market_deals`), or in memory without a database.
public final class MarketDealStore: Sendable {
    /// Without a database at most this many deals are kept, the newest.
    public static let memoryCapacity = 100_000
    /// Deals read for one lane at most (the nearest in time first).
    public static let candidateLimit = 5_000

    let client: PostgresClient?
    let logger: Logger
    private let memory = Mutex<[String: MarketDeal]>([:])
    private let changes = Atomic<Int>(0)

    public init(client: PostgresClient?, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Bumped by every deal recorded here: part of the quote cache's key.
    public var generation: Int { changes.load(ordering: .relaxed) }

    /// Stores a deal; the same id again replaces it (the marketplace may resend).
    public func record(_ deal: MarketDeal, receivedBy: String) async throws {
        if let client {
            let day = Self.day(deal.date)
            try await client.query(
                """
                INSERT INTO market_deals (id, origin, origin_country, destination, destination_country, deal_date, weight_kg, price, currency, received_by)
                VALUES (\(deal.id), ST_SetSRID(ST_MakePoint(\(deal.origin.longitude), \(deal.origin.latitude)), 4326)::geography,
                        \(deal.originCountry), ST_SetSRID(ST_MakePoint(\(deal.destination.longitude), \(deal.destination.latitude)), 4326)::geography,
                        \(deal.destinationCountry), \(day)::date, \(deal.weightKg), \(Self.text(deal.price))::numeric, \(deal.currency.rawValue), \(receivedBy))
                ON CONFLICT (id) DO UPDATE SET origin = EXCLUDED.origin, origin_country = EXCLUDED.origin_country,
                    destination = EXCLUDED.destination, destination_country = EXCLUDED.destination_country, deal_date = EXCLUDED.deal_date,
                    weight_kg = EXCLUDED.weight_kg, price = EXCLUDED.price, currency = EXCLUDED.currency,
                    received_by = EXCLUDED.received_by, received_at = now()
                """, logger: logger)
        } else {
            memory.withLock { deals in
                deals[deal.id] = deal
                // Past the cap, the oldest tenth goes at once: one sort per many inserts, not a scan per insert.
                if deals.count > Self.memoryCapacity {
                    let oldest = deals.values.sorted { ($0.date, $0.id) < ($1.date, $1.id) }.prefix(deals.count - Self.memoryCapacity * 9 / 10)
                    for deal in oldest { deals[deal.id] = nil }
                }
            }
        }
        changes.add(1, ordering: .relaxed)
    }

    /// Deals that may compare with the lane: in its date window and weight range, with both ends near
    /// or the same country pair (a slightly wider superset; `LaneMarket` decides exactly).
    public func candidates(for lane: LaneMarket.Lane) async throws -> [MarketDeal] {
        let window = LaneMarket.windowDays * 86_400_000
        let low = lane.weightKg * (1 - LaneMarket.weightTolerance), high = lane.weightKg * (1 + LaneMarket.weightTolerance)
        guard let client else {
            return memory.withLock { Array($0.values) }.filter { abs($0.date - lane.date) <= window && $0.weightKg >= low && $0.weightKg <= high }
        }
        let radius = LaneMarket.radiusMeters * 1.01
        let rows = try await client.query(
            """
            SELECT id, ST_Y(origin::geometry), ST_X(origin::geometry), origin_country::text,
                   ST_Y(destination::geometry), ST_X(destination::geometry), destination_country::text,
                   deal_date::text, weight_kg, price::text, currency::text
            FROM market_deals
            WHERE deal_date BETWEEN \(Self.day(lane.date - window))::date AND \(Self.day(lane.date + window))::date
              AND weight_kg BETWEEN \(low) AND \(high)
              AND ((ST_DWithin(origin, ST_SetSRID(ST_MakePoint(\(lane.origin.longitude), \(lane.origin.latitude)), 4326)::geography, \(radius))
                    AND ST_DWithin(destination, ST_SetSRID(ST_MakePoint(\(lane.destination.longitude), \(lane.destination.latitude)), 4326)::geography, \(radius)))
                   OR (origin_country = \(lane.originCountry ?? "--") AND destination_country = \(lane.destinationCountry ?? "--")))
            ORDER BY abs(deal_date - \(Self.day(lane.date))::date), id
            LIMIT \(Self.candidateLimit)
            """, logger: logger)
        var deals: [MarketDeal] = []
        for try await r in rows.decode((String, Double, Double, String?, Double, Double, String?, String, Double, String, String).self) {
            guard let date = UTCTime.parseISO8601(r.7), let price = Decimal(string: r.9), let currency = Currency(rawValue: r.10) else { continue }
            deals.append(
                MarketDeal(
                    id: r.0, origin: GeoPoint(latitude: r.1, longitude: r.2), originCountry: r.3,
                    destination: GeoPoint(latitude: r.4, longitude: r.5), destinationCountry: r.6, date: date, weightKg: r.8,
                    price: price, currency: currency))
        }
        return deals
    }

    /// `YYYY-MM-DD` of a UTC instant in ms.
    static func day(_ ms: Int64) -> String { String(UTCTime.iso8601(milliseconds: ms).prefix(10)) }

    static func text(_ value: Decimal) -> String { NSDecimalNumber(decimal: value).stringValue }
}
