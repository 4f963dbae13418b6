import Foundation
import GeoFleetCore
import GeoFleetHotIndex
import GeoFleetLive
import GeoFleetMatching
import GeoFleetPostGIS
import GeoFleetRouteService
import GeoFleetRouting
import Logging
import Metrics
import Synchronization

/// Cargo ↔ vehicle matching over the hot positions and the road router: which of my vehicles can
/// take this load, which loads suit my vehicles, and a shipper's
/// privacy-preserving search across carriers.
public final class MatchService: Sendable {
    /// What makes suggestions worth working out again (consumed by ``SuggestionFeed``).
    public enum Trigger: Sendable, Equatable {
        case cargoAdded(String)
        case vehicleMoved(key: Int64, owner: String)
    }

    public let cargo: CargoIndex
    public let drivers: DrivingTimeTracker
    public let configuration: MatchConfiguration
    public let triggers: AsyncStream<Trigger>
    let catalog: VehicleCatalog
    let hot: HotPositions
    let routes: RouteService
    let store: MatchStore?
    let now: @Sendable () -> Int64
    let logger: Logger
    let legs: LoadedLegs
    let log = SuggestionLog()
    let heuristic = RouteHeuristic()
    private let trigger: AsyncStream<Trigger>.Continuation
    private let costs = Mutex<[String: CostSettings]>([:])
    private let preferences = Mutex<[String: MatchStore.Preferences]>([:])
    /// Where each vehicle was when its suggestions were last worked out.
    private let evaluatedAt = Mutex<[Int64: GeoPoint]>([:])

    let matchTimer = Metrics.Timer(label: "geofleet_match_seconds", dimensions: [("kind", "cargo")])
    let fleetTimer = Metrics.Timer(label: "geofleet_match_seconds", dimensions: [("kind", "fleet")])

    public init(
        catalog: VehicleCatalog, hot: HotPositions, routes: RouteService, store: MatchStore?,
        configuration: MatchConfiguration = .init(), now: @escaping @Sendable () -> Int64, logger: Logger
    ) {
        self.catalog = catalog
        self.hot = hot
        self.routes = routes
        self.store = store
        self.configuration = configuration
        self.now = now
        self.logger = logger
        cargo = CargoIndex()
        drivers = DrivingTimeTracker()
        legs = LoadedLegs(routes: routes)
        (triggers, trigger) = AsyncStream.makeStream(of: Trigger.self, bufferingPolicy: .bufferingNewest(100_000))
    }

    /// Fills the index, cost settings and preferences from PostGIS (at start).
    public func load() async throws {
        guard let store else { return }
        for c in try await store.openCargo() { cargo.upsert(c) }
        let loadedCosts = try await store.allCostSettings()
        costs.withLock { $0 = loadedCosts }
        let loadedPreferences = try await store.allPreferences()
        preferences.withLock { $0 = loadedPreferences }
        logger.info(
            "matching state loaded",
            metadata: [
                "openCargo": "\(cargo.count)", "costSettings": "\(loadedCosts.count)", "preferences": "\(loadedPreferences.count)",
            ])
    }

    /// Reads open cargo, cost settings and preferences again (another cluster node changed them):
    /// cargo no longer open leaves the index, changed cargo is indexed anew.
    public func refresh() async throws {
        guard let store else { return }
        let open = try await store.openCargo()
        let ids = Set(open.map(\.id))
        for c in cargo.all() where !ids.contains(c.id) {
            _ = cargo.remove(id: c.id)
            legs.forget(cargo: c.id)
        }
        for c in open where cargo.cargo(id: c.id) != c {
            legs.forget(cargo: c.id)
            if cargo.upsert(c) { trigger.yield(.cargoAdded(c.id)) }
        }
        let loadedCosts = try await store.allCostSettings()
        costs.withLock { $0 = loadedCosts }
        let loadedPreferences = try await store.allPreferences()
        preferences.withLock { $0 = loadedPreferences }
    }

    /// Stops the trigger stream (the feed's loop ends).
    public func finish() { trigger.finish() }

    // MARK: Cargo sync

    /// Stores a load and updates the index; a load that is not open leaves it.
    public func put(_ c: Cargo) async throws {
        try await store?.upsertCargo(c)
        legs.forget(cargo: c.id)
        if cargo.upsert(c) { trigger.yield(.cargoAdded(c.id)) }
    }

    /// Deletes a load; false when GeoFleet did not know it.
    public func delete(cargoID: String) async throws -> Bool {
        let stored = try await store?.deleteCargo(id: cargoID) ?? false
        legs.forget(cargo: cargoID)
        return cargo.remove(id: cargoID) != nil || stored
    }

    // MARK: Positions

    /// Feeds stored positions: the driving-time estimate, and the live trigger when a vehicle moved far enough.
    public func positionsStored(_ positions: [Position], owner: String) {
        for p in positions where p.source == .device {
            drivers.record(vehicleKey: p.vehicleKey, fixTime: p.fixTime, latitude: p.latitude, longitude: p.longitude, speedKmh: p.speedKmh)
        }
        guard let newest = positions.max(by: { $0.fixTime < $1.fixTime }) else { return }
        let point = GeoPoint(latitude: newest.latitude, longitude: newest.longitude)
        let threshold = configuration.moveThresholdMeters
        let moved = evaluatedAt.withLock { at -> Bool in
            guard let last = at[newest.vehicleKey] else {
                at[newest.vehicleKey] = point
                return true
            }
            guard GreatCircle.distanceMeters(lat1: last.latitude, lon1: last.longitude, lat2: point.latitude, lon2: point.longitude) >= threshold
            else { return false }
            at[newest.vehicleKey] = point
            return true
        }
        if moved { trigger.yield(.vehicleMoved(key: newest.vehicleKey, owner: owner)) }
    }

    /// Forgets what matching holds of a vehicle's positions (its history was erased): the driving-time
    /// estimate and the point its suggestions were last worked out at.
    public func forget(vehicleKey: Int64) {
        drivers.forget(vehicleKey: vehicleKey)
        _ = evaluatedAt.withLock { $0.removeValue(forKey: vehicleKey) }
    }

    // MARK: Settings and feedback

    /// The user's cost settings, or the defaults; and whether they are the defaults.
    public func costSettings(user: String) -> (settings: CostSettings, isDefault: Bool) {
        if let own = costs.withLock({ $0[user] }) { return (own, false) }
        return (.defaults, true)
    }

    public func setCostSettings(_ settings: CostSettings, user: String) async throws {
        try await store?.setCostSettings(settings, user: user)
        costs.withLock { $0[user] = settings }
    }

    public func preferences(user: String) -> MatchStore.Preferences {
        preferences.withLock { $0[user] } ?? MatchStore.Preferences()
    }

    public func setMarketplaceOptIn(_ optIn: Bool, user: String) async throws {
        var p = preferences(user: user)
        p.marketplaceOptIn = optIn
        try await store?.savePreferences(p, user: user)
        preferences.withLock { $0[user] = p }
    }

    /// Carriers that show in shippers' marketplace searches.
    var optedInCarriers: [String] {
        preferences.withLock { $0.filter { $0.value.marketplaceOptIn }.map(\.key) }
    }

    /// Records a vote on one of the user's suggestions and learns from it; returns the new preference.
    public func feedback(user: String, suggestionID: UUID, up: Bool) async throws -> RankingPreference {
        guard let record = log.record(suggestionID), record.user == user else { throw MatchError.unknownSuggestion }
        var p = preferences(user: user)
        p.ranking.learn(up: up, deadheadShare: record.deadheadShare)
        try await store?.recordFeedback(
            suggestionID: suggestionID, user: user, vehicleID: record.vehicleID, cargoID: record.cargoID,
            up: up, deadheadShare: record.deadheadShare, profitPerHour: record.profitPerHour)
        try await store?.savePreferences(p, user: user)
        preferences.withLock { $0[user] = p }
        return p.ranking
    }

    // MARK: Shared

    /// A catalog entry with its latest position and driver state.
    func matchVehicle(_ entry: VehicleCatalog.Entry, now: Int64) -> MatchVehicle {
        let fix = hot.latest(vehicleKey: entry.key, owner: entry.owner)
        return MatchVehicle(
            key: entry.key, id: entry.id, owner: entry.owner, type: entry.type, capacityWeightKg: entry.capacityWeightKg,
            capacityVolumeM3: entry.capacityVolumeM3, status: entry.status, assignedCargoID: entry.cargoID,
            position: fix.map { GeoPoint(latitude: $0.latitude, longitude: $0.longitude) }, fixTime: fix?.fixTime, source: fix?.source,
            driver: drivers.state(vehicleKey: entry.key, now: now))
    }

    /// `v` taking `cargo` from `now`: the timing with breaks, rests, waiting and handling, and why it
    /// is too late (empty: in time).
    func plan(_ cargo: Cargo, for v: MatchVehicle, now: Int64, deadheadSeconds: Double, loadedSeconds: Double)
        -> (timing: FitCheck.Timing, late: [FitReason])
    {
        let timing = FitCheck.timing(
            cargo: cargo, now: now, deadheadSeconds: deadheadSeconds, loadedSeconds: loadedSeconds,
            driver: v.driver, handlingSeconds: configuration.handlingSeconds)
        return (timing, FitCheck.timingReasons(cargo: cargo, timing: timing, driver: v.driver))
    }

    /// How far a match of `v` can be trusted, from its position's age and source and where the distance came from.
    func confidence(of v: MatchVehicle, now: Int64, heuristicDistance: Bool) -> MatchConfidence {
        MatchConfidence.assess(positionAgeMs: v.fixTime.map { now - $0 }, source: v.source, heuristicDistance: heuristicDistance)
    }

    static func straightMeters(_ a: GeoPoint, _ b: GeoPoint) -> Double {
        GreatCircle.distanceMeters(lat1: a.latitude, lon1: a.longitude, lat2: b.latitude, lon2: b.longitude)
    }
}
