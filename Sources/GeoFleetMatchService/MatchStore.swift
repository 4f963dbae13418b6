import Foundation
import GeoFleetCore
import GeoFleetMatching
import GeoFleetRouting
import Logging
import PostgresNIO

/// Matching's persistent state in PostGIS: open cargo, cost settings, learned preferences and feedback.
public struct MatchStore: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    static func date(_ ms: Int64) -> Date { Date(timeIntervalSince1970: Double(ms) / 1000) }
    static func ms(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    /// Inserts or replaces a load (any status: the row keeps what the marketplace last said).
    public func upsertCargo(_ c: Cargo) async throws {
        try await client.query(
            """
            INSERT INTO cargo (id, shipper_id, pickup, delivery, weight_kg, volume_m3, vehicle_type,
                               loading_from, loading_to, delivery_by, total_price, status, updated_at, from_country, to_country)
            VALUES (\(c.id), \(c.shipperID),
                    ST_SetSRID(ST_MakePoint(\(c.pickup.longitude), \(c.pickup.latitude)), 4326)::geography,
                    ST_SetSRID(ST_MakePoint(\(c.delivery.longitude), \(c.delivery.latitude)), 4326)::geography,
                    \(c.weightKg), \(c.volumeM3), \(c.vehicleType), \(Self.date(c.loadingFrom)), \(Self.date(c.loadingTo)),
                    \(c.deliveryBy.map(Self.date)), \(c.totalPrice), \(c.status), \(Self.date(c.updatedAt)),
                    \(c.fromCountry), \(c.toCountry))
            ON CONFLICT (id) DO UPDATE SET
                shipper_id = EXCLUDED.shipper_id, pickup = EXCLUDED.pickup, delivery = EXCLUDED.delivery,
                weight_kg = EXCLUDED.weight_kg, volume_m3 = EXCLUDED.volume_m3, vehicle_type = EXCLUDED.vehicle_type,
                loading_from = EXCLUDED.loading_from, loading_to = EXCLUDED.loading_to, delivery_by = EXCLUDED.delivery_by,
                total_price = EXCLUDED.total_price, status = EXCLUDED.status, updated_at = EXCLUDED.updated_at,
                from_country = EXCLUDED.from_country, to_country = EXCLUDED.to_country
            """, logger: logger)
    }

    /// Deletes a load; false when there was none.
    public func deleteCargo(id: String) async throws -> Bool {
        let rows = try await client.query("DELETE FROM cargo WHERE id = \(id) RETURNING id", logger: logger)
        for try await _ in rows.decode(String.self) { return true }
        return false
    }

    /// Every open load, to rebuild the in-memory index at start.
    public func openCargo() async throws -> [Cargo] {
        let rows = try await client.query(
            """
            SELECT id, shipper_id, ST_Y(pickup::geometry), ST_X(pickup::geometry), ST_Y(delivery::geometry), ST_X(delivery::geometry),
                   weight_kg, volume_m3, vehicle_type, loading_from, loading_to, delivery_by, total_price, status, updated_at,
                   from_country, to_country
            FROM cargo WHERE status = 'open'
            """, logger: logger)
        var out: [Cargo] = []
        for try await r in rows.decode(
            (String, String?, Double, Double, Double, Double, Double, Double?, String?, Date, Date, Date?, Double?, String, Date, String?, String?)
                .self)
        {
            out.append(
                Cargo(
                    id: r.0, shipperID: r.1, pickup: GeoPoint(latitude: r.2, longitude: r.3), delivery: GeoPoint(latitude: r.4, longitude: r.5),
                    weightKg: r.6, volumeM3: r.7, vehicleType: r.8, loadingFrom: Self.ms(r.9), loadingTo: Self.ms(r.10),
                    deliveryBy: r.11.map(Self.ms), totalPrice: r.12, status: r.13, updatedAt: Self.ms(r.14), fromCountry: r.15,
                    toCountry: r.16))
        }
        return out
    }

    public func setCostSettings(_ settings: CostSettings, user: String) async throws {
        let json = String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
        try await client.query(
            """
            INSERT INTO cost_settings (user_id, settings, updated_at) VALUES (\(user), \(json)::jsonb, now())
            ON CONFLICT (user_id) DO UPDATE SET settings = EXCLUDED.settings, updated_at = now()
            """, logger: logger)
    }

    /// Every user's cost settings, for the in-memory copy matching reads.
    public func allCostSettings() async throws -> [String: CostSettings] {
        var out: [String: CostSettings] = [:]
        let rows = try await client.query("SELECT user_id, settings::text FROM cost_settings", logger: logger)
        for try await (user, json) in rows.decode((String, String).self) {
            if let settings = try? JSONDecoder().decode(CostSettings.self, from: Data(json.utf8)) { out[user] = settings }
        }
        return out
    }

    /// A user's learned ranking preference and marketplace opt-in.
    public struct Preferences: Sendable, Equatable {
        public var ranking: RankingPreference
        public var marketplaceOptIn: Bool

        public init(ranking: RankingPreference = .initial, marketplaceOptIn: Bool = false) {
            self.ranking = ranking
            self.marketplaceOptIn = marketplaceOptIn
        }
    }

    public func allPreferences() async throws -> [String: Preferences] {
        var out: [String: Preferences] = [:]
        let rows = try await client.query(
            "SELECT user_id, deadhead_penalty, feedback_count, marketplace_opt_in FROM match_preferences", logger: logger)
        for try await (user, penalty, count, optIn) in rows.decode((String, Double, Int32, Bool).self) {
            out[user] = Preferences(ranking: RankingPreference(deadheadPenalty: penalty, feedbackCount: Int(count)), marketplaceOptIn: optIn)
        }
        return out
    }

    public func savePreferences(_ p: Preferences, user: String) async throws {
        try await client.query(
            """
            INSERT INTO match_preferences (user_id, deadhead_penalty, feedback_count, marketplace_opt_in, updated_at)
            VALUES (\(user), \(p.ranking.deadheadPenalty), \(Int32(clamping: p.ranking.feedbackCount)), \(p.marketplaceOptIn), now())
            ON CONFLICT (user_id) DO UPDATE SET deadhead_penalty = EXCLUDED.deadhead_penalty,
                feedback_count = EXCLUDED.feedback_count, marketplace_opt_in = EXCLUDED.marketplace_opt_in, updated_at = now()
            """, logger: logger)
    }

    /// Stores one vote with the numbers of the trip it was about.
    public func recordFeedback(
        suggestionID: UUID, user: String, vehicleID: UUID, cargoID: String, up: Bool,
        deadheadShare: Double, profitPerHour: Double
    ) async throws {
        try await client.query(
            """
            INSERT INTO match_feedback (suggestion_id, user_id, vehicle_id, cargo_id, feedback_type, deadhead_share, profit_per_hour)
            VALUES (\(suggestionID), \(user), \(vehicleID), \(cargoID), \(up ? "up" : "down"), \(deadheadShare), \(profitPerHour))
            """, logger: logger)
    }
}
