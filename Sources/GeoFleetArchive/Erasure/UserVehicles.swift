import Foundation
import PostgresNIO

/// The vehicles of a user, for `geofleet erase --user`: the live ones and the deleted ones, whose
/// history stays in PostGIS and the archives after the vehicle row is gone.
public enum UserVehicles {
    public static func of(user: String, context: ArchiveContext) async throws -> [ErasedVehicle] {
        let connection = try await context.connect()
        do {
            var out: [ErasedVehicle] = []
            for try await (key, id) in try await connection.query(
                """
                SELECT key, id FROM vehicles WHERE user_id = \(user)
                UNION SELECT key, id FROM deleted_vehicles WHERE user_id = \(user)
                ORDER BY key
                """, logger: context.logger
            ).decode((Int64, UUID).self) {
                out.append(ErasedVehicle(key: key, id: id))
            }
            try? await connection.close()
            return out
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
