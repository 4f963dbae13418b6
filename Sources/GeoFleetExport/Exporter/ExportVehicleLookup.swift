import Foundation
import GeoFleetLibPQ
import GeoFleetPostGIS

/// Finds vehicles by their public ids for an operator's export (`geofleet export`, any owner).
public enum ExportVehicleLookup {
    /// The vehicles in `ids` order; throws naming the first id that is not a vehicle. Blocking.
    public static func vehicles(ids: [UUID], endpoint: DatabaseEndpoint) throws -> [ExportVehicle] {
        let connection = try LibPQConnection(parameters: endpoint.libpqParameters(applicationName: "geofleet-export"), deadline: .now + .seconds(30))
        defer { connection.close() }
        return try ids.map { id in
            let rows = try connection.execute(
                "SELECT key, license_plate, user_id FROM vehicles WHERE id = $1::uuid", [id.uuidString.lowercased()], deadline: .now + .seconds(30)
            ).rows
            guard let row = rows.first, let key = row[0].flatMap({ Int64($0) }) else {
                throw ExportError.database("no vehicle \(id.uuidString.lowercased())")
            }
            return ExportVehicle(key: key, id: id, licensePlate: row[1] ?? "", owner: row[2] ?? "")
        }
    }
}
