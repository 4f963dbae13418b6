import Foundation
import Logging
import PostgresNIO

/// The append-only `audit_log` table: appended by the API and the operator's commands, read per account.
public struct AuditLog: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Appends one entry.
    public func append(_ entry: AuditEntry) async throws {
        try await client.query(Self.insert(entry), logger: logger)
    }

    /// Appends one entry on a connection (inside the caller's transaction).
    public static func append(_ entry: AuditEntry, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(insert(entry), logger: logger)
    }

    private static func insert(_ e: AuditEntry) -> PostgresQuery {
        """
        INSERT INTO audit_log (account, actor, actor_role, channel, action, target, vehicle_key, method, path, status, remote,
                               before, after, coordinates)
        VALUES (\(e.account), \(e.actor), \(e.actorRole), \(e.channel), \(e.action), \(e.target), \(e.vehicleKey), \(e.method),
                \(e.path), \(e.status), \(e.remote), \(e.before)::jsonb, \(e.after)::jsonb, \(e.coordinates)::jsonb)
        """
    }

    /// The account's entries with from ≤ time < to, oldest first, at most `limit`, after entry id `after`.
    public func entries(account: String, from: Date, to: Date, after: Int64? = nil, limit: Int) async throws -> [AuditEntry] {
        let rows = try await client.query(
            """
            SELECT id, time, account, actor, actor_role, channel, action, target, vehicle_key, method, path, status, remote,
                   before::text, after::text, coordinates::text, scrubbed_at
            FROM audit_log
            WHERE account = \(account) AND time >= \(from) AND time < \(to) AND id > \(after ?? 0)
            ORDER BY id
            LIMIT \(limit)
            """, logger: logger)
        var result: [AuditEntry] = []
        for try await r in rows.decode(
            (
                Int64, Date, String, String, String?, String, String, String?, Int64?, String?, String?, Int?, String?,
                String?, String?, String?, Date?
            ).self)
        {
            var e = AuditEntry(
                account: r.2, actor: r.3, actorRole: r.4, channel: r.5, action: r.6, target: r.7, vehicleKey: r.8, method: r.9,
                path: r.10, status: r.11, remote: r.12, before: r.13, after: r.14, coordinates: r.15)
            e.id = r.0
            e.time = r.1
            e.scrubbedAt = r.16
            result.append(e)
        }
        return result
    }

    /// Blanks the coordinates of every entry about these vehicles (erasure): the rest stays readable.
    @discardableResult
    public static func scrubCoordinates(vehicleKeys: [Int64], on connection: PostgresConnection, logger: Logger) async throws -> Int {
        var count = 0
        for try await n in try await connection.query(
            """
            WITH s AS (UPDATE audit_log SET coordinates = NULL, scrubbed_at = now()
                       WHERE vehicle_key = ANY(\(vehicleKeys)) AND coordinates IS NOT NULL RETURNING 1)
            SELECT count(*)::int8 FROM s
            """, logger: logger
        ).decode(Int64.self) {
            count = Int(n)
        }
        return count
    }
}
