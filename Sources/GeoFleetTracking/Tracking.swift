import Foundation
import GeoFleetHotIndex
import GeoFleetLive
import GeoFleetRouteService
import Logging
import PostgresNIO
import Synchronization

/// Settings of geofences, deals and connectivity.
public struct TrackingConfiguration: Sendable, Equatable {
    public var deals = DealRules()
    public var connectivity = ConnectivityRule()
    /// How often a moving deal's progress and ETA are recomputed, at most.
    public var progressInterval: Duration = .seconds(60)
    /// How often connectivity is swept for changes.
    public var connectivitySweep: Duration = .seconds(15)

    public init() {}
}

/// Positions become events: the geofences, the evaluator that follows the spool, the deals, and where
/// their events go. Loaded from PostGIS before the spool is replayed.
public final class Tracking: Sendable {
    public let registry: GeofenceRegistry
    public let geofences: GeofenceStore
    public let deals: DealBook
    public let evaluator: EventEvaluator
    public let sink: EventSink
    public let configuration: TrackingConfiguration
    let dealStore: DealStore
    private let wakeTarget: WakeTarget

    /// - Parameters:
    ///   - initialWatermark: where a first start's evaluation begins (the writers' highest watermark).
    ///   - node: the cluster node whose spool the evaluation follows (`""`: a single node).
    public init(
        client: PostgresClient, catalog: VehicleCatalog, hub: FleetEventHub, configuration: TrackingConfiguration, initialWatermark: UInt64,
        node: String = "", logger: Logger
    ) async throws {
        self.configuration = configuration
        registry = GeofenceRegistry()
        geofences = GeofenceStore(client: client, logger: logger)
        for g in try await geofences.all() { registry.upsert(g) }
        dealStore = DealStore(client: client, logger: logger)
        deals = DealBook(try await dealStore.load())
        let wakeTarget = WakeTarget()
        self.wakeTarget = wakeTarget
        sink = EventSink(client: client, hub: hub, wake: { wakeTarget.fire() }, logger: logger)
        evaluator = EventEvaluator(
            handledThrough: try await EvaluationStore.watermark(client: client, node: node, initial: initialWatermark, logger: logger),
            node: node, states: try await EvaluationStore.states(client: client, logger: logger), registry: registry, deals: deals, catalog: catalog,
            sink: sink, rules: configuration.deals, logger: logger)
        logger.info(
            "tracking loaded",
            metadata: [
                "geofences": "\(registry.count)", "deals": "\(deals.count)", "fenceStates": "\(evaluator.vehicleCount)",
                "eventWatermark": "\(evaluator.handledThrough)",
            ])
    }

    /// Who to tell when events were stored (the webhook dispatcher).
    /// Reads `owner`'s geofences again (another cluster node changed them).
    public func refreshGeofences(owner: String) async throws {
        let stored = try await geofences.all().filter { $0.owner == owner }
        let ids = Set(stored.map(\.id))
        for g in registry.all(owner: owner) where !ids.contains(g.id) { registry.remove(id: g.id) }
        for g in stored { registry.upsert(g) }
    }

    public func onEventsStored(_ wake: @escaping @Sendable () -> Void) {
        wakeTarget.set(wake)
    }

    /// The service that keeps deals' progress and ETA current.
    public func progressService(
        hot: HotPositions, routes: RouteService, now: @escaping @Sendable () -> Int64, logger: Logger
    ) -> DealProgressService {
        DealProgressService(
            deals: deals, hot: hot, routes: routes, store: dealStore, sink: sink, interval: configuration.progressInterval, now: now,
            logger: logger)
    }

    /// The service that announces connectivity changes.
    public func connectivityMonitor(
        catalog: VehicleCatalog, hot: HotPositions, connected: @escaping @Sendable () -> Set<Int64>, now: @escaping @Sendable () -> Int64,
        logger: Logger
    ) async throws -> ConnectivityMonitor {
        let monitor = ConnectivityMonitor(
            catalog: catalog, hot: hot, connected: connected, rule: configuration.connectivity, sink: sink, client: geofences.client,
            interval: configuration.connectivitySweep, now: now, logger: logger)
        try await monitor.load()
        return monitor
    }
}

/// Set after start: the webhook dispatcher exists only once the services are built.
private final class WakeTarget: Sendable {
    private let target = Mutex<(@Sendable () -> Void)?>(nil)
    func set(_ wake: @escaping @Sendable () -> Void) { target.withLock { $0 = wake } }
    func fire() { target.withLock { $0 }?() }
}
