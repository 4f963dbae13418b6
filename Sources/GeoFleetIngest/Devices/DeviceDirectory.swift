import Foundation
import GeoFleetLive
import GeoFleetPostGIS
import Logging
import Synchronization

/// Resolves a device's unique id (IMEI) to the vehicle it reports for, with an in-memory cache, and
/// keeps the binding each open connection uses honest when the API changes it.
///
/// A connection holds a lease on its binding. Rebinding or deleting a vehicle (`whileChanging`) revokes
/// the leases of the vehicle and the devices involved (their connections close; a device reconnects and
/// resolves afresh), waits for stores already admitted, and refuses new leases until the change is
/// committed. A store is admitted only under a live lease, so an acknowledged position always lands in
/// the vehicle its device was bound to when the position was made durable, never in a former or deleted one.
public final class DeviceDirectory: Sendable {
    private let store: FleetStore
    private let autoRegisterOwner: String?
    /// Where an auto-registered vehicle is announced (nil in tests that need no catalog).
    private let catalog: VehicleCatalog?
    private let unknownTTL: Duration
    private let state = Mutex(State())
    private let nextConnection = Atomic<UInt64>(1)
    private let lookupCounter = Atomic<Int>(0)
    private let lookupGate = LookupGate()
    /// Samples the log lines of refused unknown devices.
    let unknownLog = LogSampler()

    /// One connection's binding and how to close the connection when the binding changes.
    struct Lease {
        var binding: DeviceBinding
        var revoke: (@Sendable () -> Void)?
    }

    struct State {
        var cache: [String: DeviceBinding] = [:]
        /// Unique ids found bound to nothing, until when they are answered from memory.
        var unknown: [String: ContinuousClock.Instant] = [:]
        var leases: [UInt64: Lease] = [:]
        /// Stores admitted and not finished, by vehicle.
        var inflight: [UUID: Int] = [:]
        var fencedVehicles: [UUID: Int] = [:]
        var fencedDevices: [String: Int] = [:]
        /// Moves at every change: a lookup that raced one is not cached.
        var epoch: UInt64 = 0
    }

    /// Unknown ids remembered at most (a flood of random IMEIs must not grow memory without end).
    static let maxUnknownEntries = 100_000

    /// The result of leasing a device's binding.
    public enum LeaseResult: Sendable, Equatable {
        case bound(DeviceBinding)
        case unknown
        /// The device's binding is being changed right now: refuse; the device retries.
        case changing
        /// Too many lookups wait for the database (a flood of unknown ids): refuse; the device retries.
        case busy
    }

    /// - Parameter autoRegisterOwner: when set (`GEOFLEET_AUTO_REGISTER=true`), an unknown device
    ///   gets a new vehicle owned by this user; when nil it is refused.
    /// - Parameter unknownTTL: how long an id bound to nothing is answered from memory
    ///   (binding it through the API ends that at once).
    public init(store: FleetStore, autoRegisterOwner: String?, catalog: VehicleCatalog? = nil, unknownTTL: Duration = .seconds(60)) {
        self.catalog = catalog
        self.store = store
        self.autoRegisterOwner = autoRegisterOwner
        self.unknownTTL = unknownTTL
    }

    /// A new id for one connection (or one datagram or request) to hold a lease under.
    public func connectionID() -> UInt64 {
        nextConnection.add(1, ordering: .relaxed).oldValue
    }

    /// Database lookups made so far (cache misses; the negative cache saves the rest).
    public var lookups: Int { lookupCounter.load(ordering: .relaxed) }

    /// The binding, or nil when the device is bound to no vehicle and auto-registration is off.
    public func resolve(_ uniqueID: String) async throws -> DeviceBinding? {
        let connection = connectionID()
        defer { release(connection) }
        if case .bound(let binding) = try await lease(uniqueID, connection: connection, onRevoke: nil) { return binding }
        return nil
    }

    /// Resolves the device and, when bound, records `connection`'s lease on that binding; `onRevoke`
    /// runs (once) when the binding changes. Replaces an earlier lease of the same connection.
    public func lease(_ uniqueID: String, connection: UInt64, onRevoke: (@Sendable () -> Void)?) async throws -> LeaseResult {
        for _ in 0..<3 {
            let (epoch, cached, answer) = state.withLock { s -> (UInt64, DeviceBinding?, LeaseResult?) in
                if s.fencedDevices[uniqueID] != nil { return (s.epoch, nil, .changing) }
                if let until = s.unknown[uniqueID] {
                    if until > ContinuousClock.now { return (s.epoch, nil, .unknown) }
                    s.unknown[uniqueID] = nil
                }
                return (s.epoch, s.cache[uniqueID], nil)
            }
            if let answer { return answer }
            var binding = cached
            if binding == nil {
                guard await lookupGate.enter() else { return .busy }
                defer { lookupGate.leave() }
                lookupCounter.add(1, ordering: .relaxed)
                binding = try await store.binding(uniqueID: uniqueID)
                if binding == nil, let owner = autoRegisterOwner {
                    let registered = try await store.autoRegister(uniqueID: uniqueID, owner: owner)
                    // The vehicle made for it joins the in-memory catalog, as one added through the API
                    // does: the map, live events and the event evaluator know vehicles only from there.
                    if catalog?.entry(key: registered.vehicleKey) == nil {
                        catalog?.insert(.init(key: registered.vehicleKey, id: registered.vehicleID, owner: registered.owner))
                    }
                    binding = registered
                }
            }
            let ttl = unknownTTL
            let result = state.withLock { s -> LeaseResult? in
                guard let binding else {
                    // Cached only if no change began or ended meanwhile (a binding made then must work at once).
                    if s.epoch == epoch, ttl > .zero {
                        if s.unknown.count >= Self.maxUnknownEntries {
                            let now = ContinuousClock.now
                            s.unknown = s.unknown.filter { $0.value > now }
                        }
                        if s.unknown.count < Self.maxUnknownEntries { s.unknown[uniqueID] = ContinuousClock.now + ttl }
                    }
                    return s.epoch == epoch ? .unknown : nil
                }
                if s.fencedDevices[uniqueID] != nil || s.fencedVehicles[binding.vehicleID] != nil { return .changing }
                // A change began or ended while we looked: what we read may be stale, look again.
                guard s.epoch == epoch else { return nil }
                s.cache[uniqueID] = binding
                s.leases[connection] = Lease(binding: binding, revoke: onRevoke)
                return .bound(binding)
            }
            if let result { return result }
        }
        return .changing
    }

    /// Runs `store` only while `connection`'s lease on `binding` holds; nil when it was revoked (the
    /// caller must then not acknowledge). A change waits for admitted stores, which send their
    /// acknowledgement inside `store`, before it closes connections and commits.
    public func admitting<T>(connection: UInt64, binding: DeviceBinding, _ store: () async throws -> T) async throws -> T? {
        let vehicle = binding.vehicleID
        let admitted = state.withLock { s -> Bool in
            guard let lease = s.leases[connection], lease.binding == binding else { return false }
            s.inflight[vehicle, default: 0] += 1
            return true
        }
        guard admitted else { return nil }
        defer {
            state.withLock { s in
                let left = (s.inflight[vehicle] ?? 1) - 1
                s.inflight[vehicle] = left > 0 ? left : nil
            }
        }
        return try await store()
    }

    /// Vehicles with a device connection open now (connectivity: a connected device is online).
    public func connectedVehicleKeys() -> Set<Int64> {
        state.withLock { Set($0.leases.values.map(\.binding.vehicleKey)) }
    }

    /// Forgets `connection`'s lease (the connection closed, or the request or datagram is done).
    public func release(_ connection: UInt64) {
        _ = state.withLock { $0.leases.removeValue(forKey: connection) }
    }

    /// Runs a change of `vehicle`'s binding (rebinding, unbinding, deleting) that may also bind `devices`:
    /// open connections of the vehicle and of those devices are closed first and their admitted stores
    /// awaited; until `change` returns, those devices and the vehicle get no lease.
    public func whileChanging<T>(vehicle: UUID, devices: [String], _ change: () async throws -> T) async throws -> T {
        let (revoked, waitFor) = state.withLock { s -> ([@Sendable () -> Void], Set<UUID>) in
            s.epoch &+= 1
            s.fencedVehicles[vehicle, default: 0] += 1
            for device in devices {
                s.fencedDevices[device, default: 0] += 1
                s.unknown[device] = nil
            }
            // Changes are rare; a scan of the cache and the leases is cheaper than indexes kept on every frame.
            s.cache = s.cache.filter { $0.value.vehicleID != vehicle && !devices.contains($0.key) }
            var revoked: [@Sendable () -> Void] = []
            var waitFor: Set<UUID> = [vehicle]
            for (id, lease) in s.leases where lease.binding.vehicleID == vehicle || devices.contains(lease.binding.uniqueID) {
                s.leases[id] = nil
                waitFor.insert(lease.binding.vehicleID)
                if let revoke = lease.revoke { revoked.append(revoke) }
            }
            return (revoked, waitFor)
        }
        defer {
            state.withLock { s in
                s.epoch &+= 1
                s.fencedVehicles[vehicle] = (s.fencedVehicles[vehicle] ?? 1) > 1 ? s.fencedVehicles[vehicle]! - 1 : nil
                for device in devices {
                    s.fencedDevices[device] = (s.fencedDevices[device] ?? 1) > 1 ? s.fencedDevices[device]! - 1 : nil
                    s.unknown[device] = nil
                    s.cache[device] = nil
                }
                s.cache = s.cache.filter { $0.value.vehicleID != vehicle }
            }
        }
        // Stores admitted before the fence finish first, answers sent: they belong to the binding they
        // were admitted under. Only then do their connections close, so those answers go out before.
        while state.withLock({ s in waitFor.contains { (s.inflight[$0] ?? 0) > 0 } }) {
            try await Task.sleep(for: .milliseconds(1))
        }
        for revoke in revoked { revoke() }
        return try await change()
    }

    /// Drops what is remembered of a device (bound or unknown) and closes its open connections: its
    /// binding changed outside `whileChanging` (a new vehicle bound it).
    /// Another cluster node changed `owner`'s vehicles: forgets (and disconnects) every binding held
    /// here that `current` (the owner's devices now: unique id → vehicle key) no longer holds, and
    /// every device remembered as unknown or as someone else's that is the owner's now.
    public func reconcile(owner: String, current: [String: Int64]) {
        let stale = state.withLock { s -> Set<String> in
            var stale = Set<String>()
            for (id, binding) in s.cache where binding.owner == owner && current[id] != binding.vehicleKey { stale.insert(id) }
            for lease in s.leases.values where lease.binding.owner == owner && current[lease.binding.uniqueID] != lease.binding.vehicleKey {
                stale.insert(lease.binding.uniqueID)
            }
            for (id, key) in current {
                if s.unknown[id] != nil { stale.insert(id) }
                if let binding = s.cache[id], binding.vehicleKey != key { stale.insert(id) }
                if s.leases.values.contains(where: { $0.binding.uniqueID == id && $0.binding.vehicleKey != key }) { stale.insert(id) }
            }
            return stale
        }
        for id in stale { invalidate(id) }
    }

    public func invalidate(_ uniqueID: String) {
        let revoked = state.withLock { s -> [@Sendable () -> Void] in
            s.epoch &+= 1
            s.cache[uniqueID] = nil
            s.unknown[uniqueID] = nil
            var revoked: [@Sendable () -> Void] = []
            for (id, lease) in s.leases where lease.binding.uniqueID == uniqueID {
                s.leases[id] = nil
                if let revoke = lease.revoke { revoked.append(revoke) }
            }
            return revoked
        }
        for revoke in revoked { revoke() }
    }
}
