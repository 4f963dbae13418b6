import Foundation
import Logging
import PostgresNIO

/// The durable event log in PostgreSQL: append (with the webhook deliveries), list, purge.
public enum EventLog {
    /// The most events one `list` returns.
    public static let maxListLimit = 1000
    public static let defaultListLimit = 500
    /// Rows one purge statement deletes, so a large purge never holds one long transaction.
    static let purgeBatch = 10_000

    /// Inserts the events not stored yet (ON CONFLICT (id) DO NOTHING: ids are deterministic, a replay
    /// re-appends the same ones) and, for each newly inserted event, one delivery row per webhook of
    /// its user that wants that type. Runs on `connection`, inside the caller's transaction. Returns the newly inserted events.
    public static func append(_ events: [EventRecord], on connection: PostgresConnection, logger: Logger) async throws -> [EventRecord] {
        var inserted: [EventRecord] = []
        var start = events.startIndex
        while start < events.endIndex {
            let end = min(start + appendChunk, events.endIndex)
            inserted += try await appendChunk(events[start..<end], on: connection, logger: logger)
            start = end
        }
        return inserted
    }

    /// Events one statement appends: a batch of a busy evaluator is one round trip, not one per event.
    static let appendChunk = 5_000

    /// One statement: the events as arrays, inserted in their order (so `seq` follows it), and the
    /// delivery rows from the same CTE, so they exist exactly when the event row was new.
    private static func appendChunk(_ events: ArraySlice<EventRecord>, on connection: PostgresConnection, logger: Logger) async throws
        -> [EventRecord]
    {
        // Arrays of optionals do not encode: absent ids and cargo are empty strings, NULLIF'ed back.
        let ids = events.map(\.id)
        let users = events.map(\.userID)
        let types = events.map(\.type)
        let times = events.map { Double($0.time) / 1000 }
        let vehicles = events.map(\.vehicleID)
        let fences = events.map { $0.geofenceID?.uuidString ?? "" }
        let cargo = events.map { $0.cargoID ?? "" }
        let data = events.map(\.data)
        let rows = try await connection.query(
            """
            WITH input AS (
                SELECT * FROM unnest(\(ids)::uuid[], \(users)::text[], \(types)::text[], \(times)::float8[], \(vehicles)::uuid[],
                                     \(fences)::text[], \(cargo)::text[], \(data)::text[])
                    WITH ORDINALITY AS t(id, user_id, type, seconds, vehicle_id, geofence_id, cargo_id, data, ord)
            ), inserted AS (
                INSERT INTO fleet_events (id, user_id, type, time, vehicle_id, geofence_id, cargo_id, data)
                SELECT id, user_id, type, to_timestamp(seconds), vehicle_id, NULLIF(geofence_id, '')::uuid, NULLIF(cargo_id, ''),
                       data::jsonb
                FROM input ORDER BY ord
                ON CONFLICT (id) DO NOTHING
                RETURNING id, user_id, type, vehicle_id, time, seq
            ), deliveries AS (
                INSERT INTO webhook_deliveries (event_id, webhook_id, user_id, vehicle_id, event_time, event_seq)
                SELECT i.id, w.id, i.user_id, i.vehicle_id, i.time, i.seq
                FROM inserted i JOIN webhooks w ON w.user_id = i.user_id AND (w.events IS NULL OR i.type = ANY (w.events))
            )
            SELECT id FROM inserted
            """, logger: logger)
        var new = Set<UUID>()
        for try await id in rows.decode(UUID.self) { new.insert(id) }
        return events.filter { new.contains($0.id) }
    }

    /// A user's events, oldest first, filtered; limit capped (e.g. 1000, default 500).
    public static func list(
        client: PostgresClient, userID: String, from: Int64?, to: Int64?, type: String?, vehicleID: UUID?, limit: Int = defaultListLimit,
        logger: Logger
    ) async throws -> [EventRecord] {
        let limit = Int64(min(max(limit, 1), maxListLimit))
        let rows = try await client.query(
            """
            SELECT id, type, user_id, vehicle_id, (extract(epoch FROM time) * 1000)::int8, geofence_id, cargo_id, data::text
            FROM fleet_events
            WHERE user_id = \(userID)
              AND (\(from)::int8 IS NULL OR time >= to_timestamp(\(from)::float8 / 1000))
              AND (\(to)::int8 IS NULL OR time <= to_timestamp(\(to)::float8 / 1000))
              AND (\(type)::text IS NULL OR type = \(type))
              AND (\(vehicleID)::uuid IS NULL OR vehicle_id = \(vehicleID))
            ORDER BY time, seq
            LIMIT \(limit)
            """, logger: logger)
        var events: [EventRecord] = []
        for try await r in rows.decode((UUID, String, String, UUID, Int64, UUID?, String?, String).self) {
            events.append(
                EventRecord(id: r.0, type: r.1, userID: r.2, vehicleID: r.3, time: r.4, geofenceID: r.5, cargoID: r.6, data: r.7))
        }
        return events
    }

    /// Deletes events (and their deliveries) older than `cutoff` (ms); returns how many.
    public static func purge(client: PostgresClient, olderThan cutoff: Int64, logger: Logger) async throws -> Int {
        var total = 0
        while true {
            // Deliveries go with their event (ON DELETE CASCADE).
            let rows = try await client.query(
                """
                WITH gone AS (
                    DELETE FROM fleet_events WHERE id IN (
                        SELECT id FROM fleet_events WHERE created_at < to_timestamp(\(cutoff)::float8 / 1000) LIMIT \(Int64(purgeBatch)))
                    RETURNING 1)
                SELECT count(*)::int8 FROM gone
                """, logger: logger)
            var deleted = 0
            for try await count in rows.decode(Int64.self) { deleted = Int(count) }
            total += deleted
            if deleted < purgeBatch { return total }
        }
    }
}
