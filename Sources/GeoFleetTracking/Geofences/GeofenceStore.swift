import Foundation
import GeoFleetPlatform
import GeoFleetFences
import Logging
import PostgresNIO

/// Geofences in PostGIS (`geofences`): the area as the API gave it, and a geography for SQL users.
public struct GeofenceStore: Sendable {
    public let client: PostgresClient
    let logger: Logger

    /// A user's fences, at most.
    public static let maxPerUser = 100_000

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Why PostGIS (GEOS) finds the area's geometry invalid, or nil when it is valid.
    public func invalidityReason(_ area: FenceArea) async throws -> String? {
        let shape = area.postgisShape
        let rows = try await client.query(
            "SELECT ST_IsValidReason(ST_GeomFromGeoJSON(\(shape.geoJSON)))", logger: logger)
        for try await reason in rows.decode(String.self) { return reason == "Valid Geometry" ? nil : reason }
        return nil
    }

    /// Inserts or replaces a fence (same id).
    public func save(_ g: Geofence) async throws {
        let logger = self.logger
        try await client.withConnection { try await Self.save(g, on: $0, logger: logger) }
    }

    /// Inserts or replaces a fence on `connection` (inside the caller's transaction).
    static func save(_ g: Geofence, on connection: PostgresConnection, logger: Logger) async throws {
        let shape = g.area.postgisShape
        let area = String(decoding: try JSONEncoder().encode(GeofenceAreaBody(g.area)), as: UTF8.self)
        let schedule = try g.schedule.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        let query: PostgresQuery = """
            INSERT INTO geofences (id, user_id, name, area, geom, speed_limit_kmh, dwell_minutes, schedule, cargo_id, created_at, updated_at)
            VALUES (\(g.id), \(g.owner), \(g.name), \(area)::jsonb,
                    CASE WHEN \(shape.buffer)::float8 > 0
                         THEN ST_Buffer(ST_GeomFromGeoJSON(\(shape.geoJSON))::geography, \(shape.buffer)::float8)
                         ELSE ST_GeomFromGeoJSON(\(shape.geoJSON))::geography END,
                    \(g.speedLimitKmh), \(g.dwellMinutes), \(schedule)::jsonb, \(g.cargoID), \(WallClock.date(milliseconds: g.createdAt)), \(WallClock.date(milliseconds: g.updatedAt)))
            ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, area = EXCLUDED.area, geom = EXCLUDED.geom,
                speed_limit_kmh = EXCLUDED.speed_limit_kmh, dwell_minutes = EXCLUDED.dwell_minutes, schedule = EXCLUDED.schedule,
                updated_at = EXCLUDED.updated_at
            """
        try await connection.query(query, logger: logger)
    }

    /// Deletes a user's fence; false when they have none with that id.
    public func delete(id: UUID, owner: String) async throws -> Bool {
        let rows = try await client.query("DELETE FROM geofences WHERE id = \(id) AND user_id = \(owner) RETURNING id", logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    /// Deletes the fences a deal made.
    public static func deleteDealFences(cargoID: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("DELETE FROM geofences WHERE cargo_id = \(cargoID)", logger: logger)
    }

    /// How many fences a user has.
    public func count(owner: String) async throws -> Int {
        let rows = try await client.query("SELECT count(*)::int8 FROM geofences WHERE user_id = \(owner)", logger: logger)
        for try await n in rows.decode(Int64.self) { return Int(n) }
        return 0
    }

    /// Every fence (the registry and the evaluator's index, at start).
    public func all() async throws -> [Geofence] {
        let rows = try await client.query(
            """
            SELECT id, user_id, name, area::text, speed_limit_kmh, dwell_minutes, cargo_id, created_at, updated_at, schedule::text
            FROM geofences ORDER BY created_at, id
            """, logger: logger)
        var out: [Geofence] = []
        for try await r in rows.decode((UUID, String, String, String, Double?, Int?, String?, Date, Date, String?).self) {
            do {
                let body = try JSONDecoder().decode(GeofenceAreaBody.self, from: Data(r.3.utf8))
                let schedule = try r.9.map { try JSONDecoder().decode(FenceSchedule.self, from: Data($0.utf8)) }
                out.append(
                    Geofence(
                        id: r.0, owner: r.1, name: r.2, area: try body.area(), speedLimitKmh: r.4, dwellMinutes: r.5, schedule: schedule,
                        cargoID: r.6, createdAt: WallClock.milliseconds(r.7), updatedAt: WallClock.milliseconds(r.8)))
            } catch {
                logger.error("stored geofence unreadable; skipped", metadata: ["geofence": "\(r.0)", "error": "\(error)"])
            }
        }
        return out
    }
}
