import Foundation
import GeoFleetPlatform
import GeoFleetCore
import Logging
import PostgresNIO

/// Deals in PostGIS (`deals`, `eta_predictions`).
struct DealStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// What `deals.tracker` holds: the state machine and the two ends.
    struct Tracker: Codable {
        var machine: DealMachine
        var pickup: [Double]
        var delivery: [Double]
    }

    /// Active deals and those that ended within `days`.
    func load(days: Int = 30) async throws -> [Deal] {
        let rows = try await client.query(
            """
            SELECT d.cargo_id, d.user_id, d.vehicle_key, d.vehicle_id, d.tracker::text, d.progress, d.eta_delivery, d.route_meters,
                   d.active, d.updated_at, coalesce((SELECT array_agg(checkpoint::int8) FROM eta_predictions e WHERE e.cargo_id = d.cargo_id), '{}')
            FROM deals d WHERE d.active OR d.updated_at > now() - make_interval(days => \(days)::int4)
            """, logger: logger)
        var out: [Deal] = []
        for try await r in rows.decode((String, String, Int64, UUID, String, Double, Date?, Double?, Bool, Date, [Int64]).self) {
            guard let tracker = try? JSONDecoder().decode(Tracker.self, from: Data(r.4.utf8)), tracker.pickup.count == 2, tracker.delivery.count == 2
            else {
                logger.error("stored deal unreadable; skipped", metadata: ["cargo": "\(r.0)"])
                continue
            }
            var deal = Deal(
                cargoID: r.0, owner: r.1, vehicleKey: r.2, vehicleID: r.3,
                pickup: GeoPoint(latitude: tracker.pickup[0], longitude: tracker.pickup[1]),
                delivery: GeoPoint(latitude: tracker.delivery[0], longitude: tracker.delivery[1]), assignedAt: 0)
            deal.machine = tracker.machine
            deal.progress = r.5
            deal.etaDelivery = r.6.map(WallClock.milliseconds)
            deal.routeMeters = r.7
            deal.active = r.8
            deal.progressAt = WallClock.milliseconds(r.9)
            deal.checkpoints = Set(r.10.map { Int($0) })
            out.append(deal)
        }
        return out
    }

    /// Writes a deal's state, timeline and whether it is active (the evaluator's part), in its transaction.
    static func saveMachine(_ deal: Deal, on connection: PostgresConnection, logger: Logger) async throws {
        let tracker = String(
            decoding: try JSONEncoder().encode(
                Tracker(
                    machine: deal.machine, pickup: [deal.pickup.latitude, deal.pickup.longitude],
                    delivery: [deal.delivery.latitude, deal.delivery.longitude])), as: UTF8.self)
        let timeline = String(
            decoding: try JSONEncoder().encode(
                deal.machine.timeline.map { ["state": $0.state.rawValue, "time": UTCTime.iso8601(milliseconds: $0.time)] }), as: UTF8.self)
        try await connection.query(
            """
            INSERT INTO deals (cargo_id, user_id, vehicle_key, vehicle_id, state, progress, tracker, timeline, active, updated_at)
            VALUES (\(deal.cargoID), \(deal.owner), \(deal.vehicleKey), \(deal.vehicleID), \(deal.state.rawValue), \(deal.progress),
                    \(tracker)::jsonb, \(timeline)::jsonb, \(deal.active), now())
            ON CONFLICT (cargo_id) DO UPDATE SET user_id = EXCLUDED.user_id, vehicle_key = EXCLUDED.vehicle_key,
                vehicle_id = EXCLUDED.vehicle_id, state = EXCLUDED.state, tracker = EXCLUDED.tracker, timeline = EXCLUDED.timeline,
                active = EXCLUDED.active, progress = GREATEST(deals.progress, EXCLUDED.progress), updated_at = now()
            """, logger: logger)
    }

    /// Writes progress, ETA and route distance (the progress service's part).
    func saveProgress(_ deal: Deal) async throws {
        try await client.query(
            """
            UPDATE deals SET progress = GREATEST(progress, \(deal.progress)), eta_delivery = \(deal.etaDelivery.map(WallClock.date(milliseconds:))),
                route_meters = \(deal.routeMeters), updated_at = now()
            WHERE cargo_id = \(deal.cargoID)
            """, logger: logger)
    }

    /// Records the ETA predicted at a checkpoint (0: departure, 1–3: each quarter of the way).
    func recordPrediction(cargoID: String, checkpoint: Int, at time: Int64, arrival: Int64, remainingMeters: Double) async throws {
        try await client.query(
            """
            INSERT INTO eta_predictions (cargo_id, checkpoint, predicted_at, predicted_arrival, remaining_meters)
            VALUES (\(cargoID), \(Int16(checkpoint)), \(WallClock.date(milliseconds: time)), \(WallClock.date(milliseconds: arrival)), \(remainingMeters))
            ON CONFLICT (cargo_id, checkpoint) DO NOTHING
            """, logger: logger)
    }

    /// Sets the actual arrival on a deal's predictions; returns each checkpoint's error.
    static func recordArrival(cargoID: String, at time: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [ETAError] {
        let rows = try await connection.query(
            """
            UPDATE eta_predictions SET actual_arrival = \(WallClock.date(milliseconds: time))
            WHERE cargo_id = \(cargoID) AND actual_arrival IS NULL
            RETURNING checkpoint::int8, extract(epoch FROM (actual_arrival - predicted_arrival))::float8
            """, logger: logger)
        var out: [ETAError] = []
        for try await r in rows.decode((Int64, Double).self) { out.append(ETAError(checkpoint: Int(r.0), seconds: r.1)) }
        return out
    }
}

/// How far one ETA prediction was from the arrival.
struct ETAError: Sendable {
    /// 0 at departure, 1–3 at each quarter of the way.
    var checkpoint: Int
    /// Actual − predicted, seconds (positive: later than predicted).
    var seconds: Double
}
