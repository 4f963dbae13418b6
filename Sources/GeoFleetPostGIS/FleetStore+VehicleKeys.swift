import Foundation
import PostgresNIO

extension FleetStore {
    /// The internal keys of the user's vehicles among `ids` (a missing or someone else's is absent), by id.
    public func vehicleKeys(ids: [UUID], userID: String) async throws -> [UUID: Int64] {
        var out: [UUID: Int64] = [:]
        for try await (id, key) in try await client.query(
            "SELECT id, key FROM vehicles WHERE id = ANY(\(ids)::uuid[]) AND user_id = \(userID)", logger: logger
        ).decode((UUID, Int64).self) {
            out[id] = key
        }
        return out
    }

    /// The internal keys of all the user's vehicles, oldest first; at most `limit`.
    public func vehicleKeys(userID: String, limit: Int) async throws -> [Int64] {
        var out: [Int64] = []
        for try await key in try await client.query(
            "SELECT key FROM vehicles WHERE user_id = \(userID) ORDER BY created_at, key LIMIT \(limit)", logger: logger
        ).decode(Int64.self) {
            out.append(key)
        }
        return out
    }
}
