import Foundation
import GeoFleetPlatform
import Logging
import PostgresNIO

/// A child of `positions` and its range.
public struct LivePartition: Sendable, Hashable {
    public var name: String
    /// [start, end) in ms since the epoch.
    public var start: Int64
    public var end: Int64
}

/// Reads the partitions of `positions` from the catalog (not from names), so the range is the one
/// PostgreSQL enforces.
public enum PartitionCatalog {
    public static func partitions(on connection: PostgresConnection, logger: Logger) async throws -> [LivePartition] {
        let rows = try await connection.query(
            """
            SELECT c.relname::text,
                   (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([^'']+)''\\)'))[1]::timestamptz,
                   (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1]::timestamptz
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'positions'::regclass
              AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
            ORDER BY 2
            """, logger: logger)
        var out: [LivePartition] = []
        for try await (name, from, to) in rows.decode((String, Date, Date).self) {
            out.append(LivePartition(name: name, start: WallClock.milliseconds(from), end: WallClock.milliseconds(to)))
        }
        return out
    }

    /// Names of partitions restored for investigation.
    public static func restored(on connection: PostgresConnection, logger: Logger) async throws -> Set<String> {
        var out = Set<String>()
        for try await name in try await connection.query("SELECT partition_name FROM archive_restored", logger: logger).decode(String.self) {
            out.insert(name)
        }
        return out
    }

    /// Rows in the default partition (must stay 0).
    public static func defaultRows(on connection: PostgresConnection, logger: Logger) async throws -> Int {
        for try await n in try await connection.query("SELECT count(*)::int8 FROM positions_default", logger: logger).decode(Int64.self) {
            return Int(n)
        }
        return 0
    }
}
