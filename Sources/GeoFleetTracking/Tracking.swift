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

    /// - Parameter initialWatermark: where a first start's evaluation begins (the writers' highest watermark).
    public init(
        client: PostgresClient, catalog: VehicleCatalog, hub: FleetEventHub, configuration: TrackingConfiguration, initialWatermark: UInt64,
        logger: Logger
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
            handledThrough: try await EvaluationStore.watermark(client: client, initial: initialWatermark, logger: logger),
            states: try await EvaluationStore.states(client: client, logger: logger), registry: registry, deals: deals, catalog: catalog,
            sink: sink, rules: configuration.deals, logger: logger)
        logger.info(
            "tracking loaded",
            metadata: [
                "geofences": "\(registry.count)", "deals": "\(deals.count)", "fenceStates": "\(evaluator.vehicleCount)",
                "eventWatermark": "\(evaluator.handledThrough)",
            ])
    }

    /// Who to tell when events were stored (the webhook dispatcher).
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
