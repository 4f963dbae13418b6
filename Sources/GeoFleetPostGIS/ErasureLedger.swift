import Foundation
import GeoFleetCore
import GeoFleetPlatform
import Logging
import PostgresNIO

/// The `position_erasures` table: per erased vehicle, the fix time up to which none of its positions
/// may be stored again. Read by the history writer (inside its transaction, after the watermark
/// lock the eraser also takes) and by spool replay, so positions still pending in the spool when an
/// erasure runs never reach PostGIS or the hot index.
public enum ErasureLedger {
    /// Erased-through fix times (ms) of those of `keys` that were erased.
    public static func erasedThrough(keys: [Int64], on connection: PostgresConnection, logger: Logger) async throws -> [Int64: Int64] {
        if keys.isEmpty { return [:] }
        var out: [Int64: Int64] = [:]
        let rows = try await connection.query(
            "SELECT vehicle_key, erased_through FROM position_erasures WHERE vehicle_key = ANY(\(keys)::int8[])", logger: logger)
        for try await (key, through) in rows.decode((Int64, Date).self) {
            out[key] = WallClock.milliseconds(through)
        }
        return out
    }

    /// Every erasure (a small table: one row per erased vehicle).
    public static func all(client: PostgresClient, logger: Logger) async throws -> [Int64: Int64] {
        var out: [Int64: Int64] = [:]
        let rows = try await client.query("SELECT vehicle_key, erased_through FROM position_erasures", logger: logger)
        for try await (key, through) in rows.decode((Int64, Date).self) {
            out[key] = WallClock.milliseconds(through)
        }
        return out
    }

    /// Whether `position` is covered by an erasure in `erased`.
    @inline(__always)
    public static func isErased(_ position: Position, _ erased: [Int64: Int64]) -> Bool {
        guard let through = erased[position.vehicleKey] else { return false }
        return position.fixTime <= through
    }

    /// `batches` without the erased positions; the batches themselves (and their sequences) stay.
    public static func filter(_ batches: [SequencedPositions], erased: [Int64: Int64]) -> (batches: [SequencedPositions], dropped: Int) {
        if erased.isEmpty { return (batches, 0) }
        var dropped = 0
        let kept = batches.map { batch in
            let positions = batch.positions.filter { !isErased($0, erased) }
            dropped += batch.positions.count - positions.count
            return SequencedPositions(sequence: batch.sequence, positions: positions)
        }
        return (kept, dropped)
    }
}
