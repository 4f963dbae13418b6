import Foundation
import PostgresNIO

/// A vehicle whose history can be erased: a live one, or a deleted one whose tombstone
/// (`deleted_vehicles`) still ties its key to its owner.
public struct ErasableVehicle: Sendable, Hashable {
    public var key: Int64
    public var id: UUID
    public var userID: String
    /// True when the vehicle row is gone (its history may still be in PostGIS and the archives).
    public var deleted: Bool
}

extension FleetStore {
    /// The user's vehicle `id`, live or deleted; nil when it never was theirs.
    public func erasableVehicle(id: UUID, userID: String) async throws -> ErasableVehicle? {
        let rows = try await client.query(
            """
            SELECT key, id, user_id, false FROM vehicles WHERE id = \(id) AND user_id = \(userID)
            UNION ALL
            SELECT key, id, user_id, true FROM deleted_vehicles WHERE id = \(id) AND user_id = \(userID)
            LIMIT 1
            """, logger: logger)
        for try await (key, id, user, deleted) in rows.decode((Int64, UUID, String, Bool).self) {
            return ErasableVehicle(key: key, id: id, userID: user, deleted: deleted)
        }
        return nil
    }
}
