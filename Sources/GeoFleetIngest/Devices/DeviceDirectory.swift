import GeoFleetPostGIS
import Logging
import Synchronization

/// Resolves a device's unique id (IMEI) to the vehicle it reports for, with an in-memory cache.
public final class DeviceDirectory: Sendable {
    private let store: FleetStore
    private let autoRegisterOwner: String?
    private let cache = Mutex<[String: DeviceBinding]>([:])

    /// - Parameter autoRegisterOwner: when set (`GEOFLEET_AUTO_REGISTER=true`), an unknown device
    ///   gets a new vehicle owned by this user; when nil it is refused.
    public init(store: FleetStore, autoRegisterOwner: String?) {
        self.store = store
        self.autoRegisterOwner = autoRegisterOwner
    }

    /// The binding, or nil when the device is bound to no vehicle and auto-registration is off.
    public func resolve(_ uniqueID: String) async throws -> DeviceBinding? {
        if let cached = cache.withLock({ $0[uniqueID] }) { return cached }
        var binding = try await store.binding(uniqueID: uniqueID)
        if binding == nil, let owner = autoRegisterOwner {
            binding = try await store.autoRegister(uniqueID: uniqueID, owner: owner)
        }
        if let binding { cache.withLock { $0[uniqueID] = binding } }
        return binding
    }

    /// Drops a cached binding (the vehicle was deleted or its device changed).
    public func invalidate(_ uniqueID: String) {
        _ = cache.withLock { $0.removeValue(forKey: uniqueID) }
    }
}
