import Foundation
import Logging
import PostgresNIO

/// The SQL behind the dispatcher: claiming due rows and recording each attempt's outcome. Times are
/// the dispatcher's clock in milliseconds, so tests can move it.
struct DeliveryQueue: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Claims up to `limit` due rows that head their (webhook, vehicle) chain: no older row of the
    /// chain is still open. Claiming counts the attempt and leases the row until `leaseUntil`, so
    /// another dispatcher skips it while it is sent (SKIP LOCKED while claiming, the lease after); a
    /// dispatcher that dies mid-send leaves it to be retried once the lease passes.
    func claim(limit: Int, now: Int64, leaseUntil: Int64) async throws -> [DueDelivery] {
        let rows = try await client.query(
            """
            WITH due AS (
                SELECT d.event_id, d.webhook_id FROM webhook_deliveries d
                WHERE d.delivered_at IS NULL AND d.failed_at IS NULL AND d.next_attempt_at <= to_timestamp(\(now)::float8 / 1000)
                  AND NOT EXISTS (
                      SELECT 1 FROM webhook_deliveries o
                      WHERE o.webhook_id = d.webhook_id AND o.vehicle_id = d.vehicle_id
                        AND o.delivered_at IS NULL AND o.failed_at IS NULL
                        AND (o.event_time, o.event_seq) < (d.event_time, d.event_seq))
                ORDER BY d.next_attempt_at
                LIMIT \(Int64(limit))
                FOR UPDATE OF d SKIP LOCKED
            ), claimed AS (
                UPDATE webhook_deliveries d
                SET attempts = d.attempts + 1, next_attempt_at = to_timestamp(\(leaseUntil)::float8 / 1000)
                FROM due WHERE d.event_id = due.event_id AND d.webhook_id = due.webhook_id
                RETURNING d.event_id, d.webhook_id, d.attempts, d.created_at
            )
            SELECT c.webhook_id, w.url, w.secret, e.id, e.type, e.user_id, e.vehicle_id, (extract(epoch FROM e.time) * 1000)::int8,
                   e.geofence_id, e.cargo_id, e.data::text, c.attempts, (extract(epoch FROM c.created_at) * 1000)::int8
            FROM claimed c JOIN webhooks w ON w.id = c.webhook_id JOIN fleet_events e ON e.id = c.event_id
            """, logger: logger)
        var claimed: [DueDelivery] = []
        for try await r in rows.decode((UUID, String, String, UUID, String, String, UUID, Int64, UUID?, String?, String, Int32, Int64).self) {
            let event = EventRecord(id: r.3, type: r.4, userID: r.5, vehicleID: r.6, time: r.7, geofenceID: r.8, cargoID: r.9, data: r.10)
            claimed.append(DueDelivery(webhookID: r.0, url: r.1, secret: r.2, event: event, attempts: Int(r.11), createdAt: r.12))
        }
        return claimed
    }

    /// Marks failed the open rows whose retry window closed before their next attempt; returns them
    /// as (event id, webhook id, attempts).
    func expire(now: Int64, retryFor: Int64) async throws -> [(UUID, UUID, Int32)] {
        let rows = try await client.query(
            """
            UPDATE webhook_deliveries
            SET failed_at = to_timestamp(\(now)::float8 / 1000), last_error = coalesce(last_error, 'retry window passed')
            WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= to_timestamp(\(now)::float8 / 1000)
              AND created_at < to_timestamp(\(now - retryFor)::float8 / 1000)
            RETURNING event_id, webhook_id, attempts
            """, logger: logger)
        var expired: [(UUID, UUID, Int32)] = []
        for try await row in rows.decode((UUID, UUID, Int32).self) { expired.append(row) }
        return expired
    }

    func delivered(_ delivery: DueDelivery, now: Int64) async throws {
        try await client.query(
            """
            UPDATE webhook_deliveries SET delivered_at = to_timestamp(\(now)::float8 / 1000), last_error = NULL
            WHERE event_id = \(delivery.event.id) AND webhook_id = \(delivery.webhookID)
            """, logger: logger)
    }

    func retry(_ delivery: DueDelivery, at next: Int64, error: String) async throws {
        try await client.query(
            """
            UPDATE webhook_deliveries SET next_attempt_at = to_timestamp(\(next)::float8 / 1000), last_error = \(error)
            WHERE event_id = \(delivery.event.id) AND webhook_id = \(delivery.webhookID)
            """, logger: logger)
    }

    func failed(_ delivery: DueDelivery, now: Int64, error: String) async throws {
        try await client.query(
            """
            UPDATE webhook_deliveries SET failed_at = to_timestamp(\(now)::float8 / 1000), last_error = \(error)
            WHERE event_id = \(delivery.event.id) AND webhook_id = \(delivery.webhookID)
            """, logger: logger)
    }

    /// Rows neither delivered nor failed.
    func backlog() async throws -> Int {
        let rows = try await client.query(
            "SELECT count(*)::int8 FROM webhook_deliveries WHERE delivered_at IS NULL AND failed_at IS NULL", logger: logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }
}
