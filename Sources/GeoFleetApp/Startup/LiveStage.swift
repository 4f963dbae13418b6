import GeoFleetCore
import GeoFleetHotIndex
import GeoFleetIngest
import GeoFleetLive
import GeoFleetPostGIS
import GeoFleetRedis
import Logging
import Synchronization

/// Start-up, second: what the engine keeps in memory, loaded from PostGIS (vehicles, latest positions,
/// recent fix times), and the hub of live events (relayed to Redis when configured).
struct LiveStage: Sendable {
    let catalog: VehicleCatalog
    let hot: HotPositions
    /// Recent fix times per vehicle: the duplicate check.
    let recent: RecentFixes
    let events: FleetEventHub
    /// Cluster mode's bus and receiver; nil on a single node.
    let cluster: ClusterNode?

    static func load(
        _ configuration: GeoFleetConfiguration, store: FleetStore, now: @escaping @Sendable () -> Int64,
        logger: Logger
    ) async throws -> LiveStage {
        let catalog = VehicleCatalog()
        for v in try await store.allVehicles() { catalog.insert(.init(v)) }
        let hot = HotPositions()
        // A stored latest fix dated in the future was received by now at the latest: later real fixes beat it.
        let loadedAt = now()
        for p in try await store.latestPositions() {
            hot.update(HotFix(p, receivedTime: loadedAt), owner: p.owner)
        }
        let recent = RecentFixes()
        for (key, times) in try await store.recentFixTimes(perVehicle: 64, since: now() - 2 * 86_400_000) {
            recent.seed(vehicleKey: key, fixTimes: times)
        }
        let relay = try redisRelay(configuration, logger: logger)
        // The hub exists before the cluster bus (whose receiver feeds the hub): the bus is bound late.
        let clusterSlot = Mutex<ClusterNode?>(nil)
        var relayEvent: (@Sendable (FleetEvent) -> Void)?
        if relay != nil || configuration.cluster.nodeID != nil {
            relayEvent = { event in
                relay?.relay(event)
                clusterSlot.withLock { $0 }?.relay(event)
            }
        }
        let events = FleetEventHub(now: now, relay: relayEvent)
        let cluster = try ClusterNode.make(
            configuration, live: .init(hot: hot, catalog: catalog, recent: recent, events: events), store: store, now: now, logger: logger)
        clusterSlot.withLock { $0 = cluster }
        return LiveStage(catalog: catalog, hot: hot, recent: recent, events: events, cluster: cluster)
    }

    /// Publishes fleet events to Redis when `GEOFLEET_REDIS_URL` is set (`redis://host:port` or `unix:///path`).
    static func redisRelay(_ configuration: GeoFleetConfiguration, logger: Logger) throws -> RedisEventRelay? {
        guard let url = configuration.storage.redisURL else { return nil }
        let target = try RedisTarget(url: url)
        logger.info("fleet events go to Redis pub/sub", metadata: ["redis": "\(target.redacted)"])
        return RedisEventRelay(logger: logger) {
            try target.connect(timeout: .seconds(5))
        }
    }
}
