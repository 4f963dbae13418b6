import Foundation
import GeoFleetPostGIS
import Synchronization

/// Every vehicle's key, public id, owner, cargo assignment and what matching checks (type, capacity,
/// status), in memory: the hot paths (map, nearby, replay, matching) read it without a database round trip.
public final class VehicleCatalog: Sendable {
    /// What the catalog knows of one vehicle.
    public struct Entry: Sendable, Hashable {
        public var key: Int64
        public var id: UUID
        public var owner: String
        /// The cargo the vehicle carries, for the map's overlay.
        public var cargoID: String?
        public var cargo: CargoAssignment?
        public var type: String
        public var capacityWeightKg: Double
        public var capacityVolumeM3: Double
        public var status: String

        public init(
            key: Int64, id: UUID, owner: String, cargoID: String? = nil, cargo: CargoAssignment? = nil,
            type: String = "truck", capacityWeightKg: Double = 0, capacityVolumeM3: Double = 0, status: String = "active"
        ) {
            self.key = key
            self.id = id
            self.owner = owner
            self.cargoID = cargoID
            self.cargo = cargo
            self.type = type
            self.capacityWeightKg = capacityWeightKg
            self.capacityVolumeM3 = capacityVolumeM3
            self.status = status
        }

        /// The entry of a stored vehicle.
        public init(_ vehicle: Vehicle) {
            self.init(
                key: vehicle.key, id: vehicle.id, owner: vehicle.userID, cargoID: vehicle.currentCargoID, cargo: vehicle.currentCargo,
                type: vehicle.type, capacityWeightKg: vehicle.capacityWeightKg, capacityVolumeM3: vehicle.capacityVolumeM3,
                status: vehicle.status)
        }
    }

    private struct State {
        var entries: [Int64: Entry] = [:]
        /// Keys by owner, for "all of this user's vehicles" without a scan.
        var byOwner: [String: Set<Int64>] = [:]
        /// Keys by vehicle id, for an API call naming one vehicle.
        var byID: [UUID: Int64] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    public func insert(_ entry: Entry) {
        state.withLock { s in
            if let old = s.entries[entry.key], old.owner != entry.owner { Self.unlink(old, from: &s) }
            if let old = s.entries[entry.key], old.id != entry.id, s.byID[old.id] == old.key { s.byID[old.id] = nil }
            s.entries[entry.key] = entry
            s.byOwner[entry.owner, default: []].insert(entry.key)
            s.byID[entry.id] = entry.key
        }
    }

    public func remove(key: Int64) {
        state.withLock { s in
            if let old = s.entries.removeValue(forKey: key) { Self.unlink(old, from: &s) }
        }
    }

    private static func unlink(_ entry: Entry, from s: inout State) {
        s.byOwner[entry.owner]?.remove(entry.key)
        if s.byOwner[entry.owner]?.isEmpty == true { s.byOwner[entry.owner] = nil }
        if s.byID[entry.id] == entry.key { s.byID[entry.id] = nil }
    }

    public func entry(key: Int64) -> Entry? {
        state.withLock { $0.entries[key] }
    }

    /// The entry of the vehicle with this id.
    public func entry(id: UUID) -> Entry? {
        state.withLock { s in s.byID[id].flatMap { s.entries[$0] } }
    }

    /// What `view` takes from the entry of each of `keys`, in their order (nil where a key is unknown or
    /// `view` gives nil), under one lock: an answer naming many vehicles takes the lock ingest also takes
    /// once, not once per vehicle, and copies only what it uses of each entry.
    public func entries<View: Sendable>(keys: [Int64], _ view: (Entry) -> View?) -> [View?] {
        state.withLock { s in keys.map { key in s.entries[key].flatMap(view) } }
    }

    /// All of one owner's vehicles, in no particular order.
    public func entries(owner: String) -> [Entry] {
        state.withLock { s in (s.byOwner[owner] ?? []).compactMap { s.entries[$0] } }
    }

    /// How many vehicles one owner has.
    public func count(owner: String) -> Int {
        state.withLock { $0.byOwner[owner]?.count ?? 0 }
    }

    /// Every vehicle, in no particular order (periodic sweeps such as connectivity).
    public var allEntries: [Entry] { state.withLock { Array($0.entries.values) } }

    /// Every owner with at least one vehicle.
    public var owners: [String] { state.withLock { Array($0.byOwner.keys) } }

    public var count: Int { state.withLock { $0.entries.count } }
}
