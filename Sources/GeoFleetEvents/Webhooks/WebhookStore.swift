import Foundation
import Logging
import PostgresNIO

/// Users' webhooks in PostgreSQL, always scoped by the owning user.
public enum WebhookStore {
    /// Webhooks one user may have.
    public static let maxPerUser = 20

    /// Stores a checked webhook and returns its id; ``WebhookError`` when refused.
    public static func create(
        client: PostgresClient, userID: String, url: String, secret: String, events: [String]?, logger: Logger = Logger(label: "geofleet.webhooks")
    ) async throws -> UUID {
        let url = try WebhookValidation.url(url)
        let secret = try WebhookValidation.secret(secret)
        let events = try WebhookValidation.events(events)
        let id = UUID()
        do {
            try await client.withTransaction(logger: logger) { connection in
                // Serialises one user's creates so two at once cannot both pass the count.
                try await connection.query("SELECT pg_advisory_xact_lock(hashtext('webhooks:' || \(userID)))", logger: logger)
                let rows = try await connection.query("SELECT count(*)::int8 FROM webhooks WHERE user_id = \(userID)", logger: logger)
                var existing: Int64 = 0
                for try await count in rows.decode(Int64.self) { existing = count }
                guard existing < maxPerUser else { throw WebhookError.tooMany(limit: maxPerUser) }
                try await connection.query(
                    "INSERT INTO webhooks (id, user_id, url, secret, events) VALUES (\(id), \(userID), \(url), \(secret), \(events))",
                    logger: logger)
            }
        } catch let error as PostgresTransactionError {
            if let refusal = error.closureError as? WebhookError { throw refusal }
            throw error
        }
        return id
    }

    /// The user's webhooks, oldest first.
    public static func list(client: PostgresClient, userID: String, logger: Logger = Logger(label: "geofleet.webhooks")) async throws -> [Webhook] {
        let rows = try await client.query(
            """
            SELECT id, user_id, url, events, (extract(epoch FROM created_at) * 1000)::int8
            FROM webhooks WHERE user_id = \(userID) ORDER BY created_at, id
            """, logger: logger)
        var webhooks: [Webhook] = []
        for try await r in rows.decode((UUID, String, String, [String]?, Int64).self) {
            webhooks.append(Webhook(id: r.0, userID: r.1, url: r.2, events: r.3, createdAt: r.4))
        }
        return webhooks
    }

    /// Deletes one of the user's webhooks (its pending deliveries with it); false when the user has no such webhook.
    public static func delete(client: PostgresClient, userID: String, id: UUID, logger: Logger = Logger(label: "geofleet.webhooks")) async throws
        -> Bool
    {
        let rows = try await client.query(
            "WITH gone AS (DELETE FROM webhooks WHERE id = \(id) AND user_id = \(userID) RETURNING 1) SELECT count(*)::int8 FROM gone",
            logger: logger)
        for try await count in rows.decode(Int64.self) { return count > 0 }
        return false
    }
}
