import Foundation
import GeoFleetPostGIS
import Synchronization

/// Every vehicle's key, public id, owner and cargo assignment, in memory: the hot paths (map, nearby,
/// replay) turn an internal key into what the API shows without a database round trip.
public final class VehicleCatalog: Sendable {
    /// What the catalog knows of one vehicle.
    public struct Entry: Sendable, Hashable {
        public var key: Int64
        public var id: UUID
        public var owner: String
        /// The cargo the vehicle carries, for the map's overlay.
        public var cargoID: String?
        public var cargo: CargoAssignment?

        public init(key: Int64, id: UUID, owner: String, cargoID: String? = nil, cargo: CargoAssignment? = nil) {
            self.key = key
            self.id = id
            self.owner = owner
            self.cargoID = cargoID
            self.cargo = cargo
        }

        /// The entry of a stored vehicle.
        public init(_ vehicle: Vehicle) {
            self.init(key: vehicle.key, id: vehicle.id, owner: vehicle.userID, cargoID: vehicle.currentCargoID, cargo: vehicle.currentCargo)
        }
    }

    private let entries = Mutex<[Int64: Entry]>([:])

    public init() {}

    public func insert(_ entry: Entry) {
        entries.withLock { $0[entry.key] = entry }
    }

    public func remove(key: Int64) {
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }

    public func entry(key: Int64) -> Entry? {
        entries.withLock { $0[key] }
    }

    public var count: Int { entries.withLock { $0.count } }
}
