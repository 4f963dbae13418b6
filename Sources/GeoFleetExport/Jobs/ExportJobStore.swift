import Foundation
import GeoFleetPlatform
import Logging
import PostgresNIO

/// Why an export request was refused.
public enum ExportRequestError: Error, Sendable, Equatable {
    /// The user already has this many exports waiting.
    case tooManyQueued(Int)
}

/// The `privacy_exports` table: requests, the workers' claims, progress and outcomes.
struct ExportJobStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    static let columns = """
        id, owner, vehicle_keys, (extract(epoch FROM from_time) * 1000)::int8, (extract(epoch FROM to_time) * 1000)::int8, format, status,
        rows, bytes, progress, error, file_path, (extract(epoch FROM created_at) * 1000)::int8,
        (extract(epoch FROM finished_at) * 1000)::int8, (extract(epoch FROM expires_at) * 1000)::int8
        """

    typealias Row = (UUID, String, [Int64], Int64, Int64, String, String, Int64, Int64, Double, String?, String?, Int64, Int64?, Int64?)

    static func job(_ r: Row) -> ExportJob {
        ExportJob(
            id: r.0, owner: r.1, vehicleKeys: r.2, from: r.3, to: r.4, format: ExportFormat(rawValue: r.5) ?? .json,
            status: ExportStatus(rawValue: r.6) ?? .failed, rows: r.7, bytes: r.8, progress: r.9, error: r.10, filePath: r.11,
            createdAt: r.12, finishedAt: r.13, expiresAt: r.14)
    }

    /// Inserts a queued job unless the owner has `maxQueued` waiting already.
    func insert(id: UUID, owner: String, vehicleKeys: [Int64], from: Int64, to: Int64, format: ExportFormat, maxQueued: Int) async throws {
        try await client.withTransaction(logger: logger) { connection in
            // Serialises one owner's requests, so two at once cannot both slip under the limit.
            try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\("export:" + owner), 0))", logger: logger)
            var queued = 0
            for try await n in try await connection.query(
                "SELECT count(*)::int8 FROM privacy_exports WHERE owner = \(owner) AND status = 'queued'", logger: logger
            ).decode(Int64.self) {
                queued = Int(n)
            }
            guard queued < maxQueued else { throw ExportRequestError.tooManyQueued(maxQueued) }
            try await connection.query(
                """
                INSERT INTO privacy_exports (id, owner, vehicle_keys, from_time, to_time, format)
                VALUES (\(id), \(owner), \(vehicleKeys), \(WallClock.date(milliseconds: from)), \(WallClock.date(milliseconds: to)), \(format.rawValue))
                """, logger: logger)
        }
    }

    /// The oldest queued job whose owner has none running, marked running; nil when there is none.
    func claim() async throws -> ExportJob? {
        try await client.withTransaction(logger: logger) { connection in
            // One claim at a time (across processes too): "none running for this owner" stays true until commit.
            try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended('geofleet-export-claim', 0))", logger: logger)
            let rows = try await connection.query(
                """
                UPDATE privacy_exports SET status = 'running', started_at = now()
                WHERE id = (
                    SELECT q.id FROM privacy_exports q
                    WHERE q.status = 'queued'
                      AND NOT EXISTS (SELECT 1 FROM privacy_exports r WHERE r.owner = q.owner AND r.status = 'running')
                    ORDER BY q.created_at LIMIT 1)
                RETURNING \(unescaped: Self.columns)
                """, logger: logger)
            for try await row in rows.decode(Row.self) { return Self.job(row) }
            return nil
        }
    }

    func progress(id: UUID, rows: Int64, progress: Double) async throws {
        try await client.query(
            "UPDATE privacy_exports SET rows = \(rows), progress = \(progress) WHERE id = \(id) AND status = 'running'", logger: logger)
    }

    func finish(id: UUID, rows: Int64, bytes: Int64, path: String, expiresAt: Int64) async throws {
        try await client.query(
            """
            UPDATE privacy_exports SET status = 'done', rows = \(rows), bytes = \(bytes), progress = 1, file_path = \(path),
                finished_at = now(), expires_at = \(WallClock.date(milliseconds: expiresAt))
            WHERE id = \(id)
            """, logger: logger)
    }

    func fail(id: UUID, error: String, expiresAt: Int64) async throws {
        try await client.query(
            """
            UPDATE privacy_exports SET status = 'failed', error = \(error), finished_at = now(), expires_at = \(WallClock.date(milliseconds: expiresAt))
            WHERE id = \(id)
            """, logger: logger)
    }

    /// Marks jobs a previous process was running as failed; returns how many.
    func failInterrupted(expiresAt: Int64) async throws -> Int {
        var count = 0
        for try await n in try await client.query(
            """
            WITH f AS (UPDATE privacy_exports SET status = 'failed', error = 'interrupted by a restart; request the export again',
                       finished_at = now(), expires_at = \(WallClock.date(milliseconds: expiresAt))
                       WHERE status = 'running' RETURNING 1)
            SELECT count(*)::int8 FROM f
            """, logger: logger
        ).decode(Int64.self) {
            count = Int(n)
        }
        return count
    }

    /// The owner's job; nil when it does not exist or is someone else's.
    func find(id: UUID, owner: String) async throws -> ExportJob? {
        let rows = try await client.query(
            "SELECT \(unescaped: Self.columns) FROM privacy_exports WHERE id = \(id) AND owner = \(owner)", logger: logger)
        for try await row in rows.decode(Row.self) { return Self.job(row) }
        return nil
    }

    /// Jobs past their expiry: (id, file path).
    func expired(now: Int64) async throws -> [(UUID, String?)] {
        var out: [(UUID, String?)] = []
        for try await row in try await client.query(
            "SELECT id, file_path FROM privacy_exports WHERE expires_at <= \(WallClock.date(milliseconds: now))", logger: logger
        ).decode((UUID, String?).self) {
            out.append(row)
        }
        return out
    }

    func delete(id: UUID) async throws {
        try await client.query("DELETE FROM privacy_exports WHERE id = \(id)", logger: logger)
    }

    /// The owner's vehicles among `keys`, in that order (deleted ones are gone).
    func vehicles(keys: [Int64], owner: String) async throws -> [ExportVehicle] {
        var out: [ExportVehicle] = []
        for try await (key, id, plate) in try await client.query(
            """
            SELECT key, id, license_plate FROM vehicles WHERE key = ANY(\(keys)::int8[]) AND user_id = \(owner)
            ORDER BY array_position(\(keys)::int8[], key)
            """, logger: logger
        ).decode((Int64, UUID, String).self) {
            out.append(ExportVehicle(key: key, id: id, licensePlate: plate, owner: owner))
        }
        return out
    }
}
