import Foundation
import GeoFleetFences
import Logging
import PostgresNIO

/// The evaluator's durable state: its spool watermark and each vehicle's fence memberships.
enum EvaluationStore {
    /// The watermark; a first start takes `initial` (the writers' highest watermark: nothing the spool
    /// released before events existed is evaluated).
    static func watermark(client: PostgresClient, node: String, initial: UInt64, logger: Logger) async throws -> UInt64 {
        let rows = try await client.query(
            """
            INSERT INTO event_watermark (node, through) VALUES (\(node), \(Int64(clamping: initial)))
            ON CONFLICT (node) DO UPDATE SET through = event_watermark.through RETURNING through
            """, logger: logger)
        for try await through in rows.decode(Int64.self) { return UInt64(max(0, through)) }
        return initial
    }

    static func setWatermark(_ through: UInt64, node: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("UPDATE event_watermark SET through = \(Int64(clamping: through)) WHERE node = \(node)", logger: logger)
    }

    static func states(client: PostgresClient, logger: Logger) async throws -> [Int64: VehicleFenceState] {
        var out: [Int64: VehicleFenceState] = [:]
        let rows = try await client.query("SELECT vehicle_key, state::text FROM vehicle_fence_state", logger: logger)
        let decoder = JSONDecoder()
        for try await r in rows.decode((Int64, String).self) {
            if let state = try? decoder.decode(VehicleFenceState.self, from: Data(r.1.utf8)) { out[r.0] = state }
        }
        return out
    }

    static func saveStates(_ states: [Int64: VehicleFenceState], on connection: PostgresConnection, logger: Logger) async throws {
        guard !states.isEmpty else { return }
        let encoder = JSONEncoder()
        let keys = Array(states.keys)
        let texts = try keys.map { String(decoding: try encoder.encode(states[$0]), as: UTF8.self) }
        try await connection.query(
            """
            INSERT INTO vehicle_fence_state (vehicle_key, state, updated_at)
            SELECT k, s::jsonb, now() FROM unnest(\(keys)::int8[], \(texts)::text[]) AS t(k, s)
            ON CONFLICT (vehicle_key) DO UPDATE SET state = EXCLUDED.state, updated_at = now()
            """, logger: logger)
    }
}
