import GeoFleetCluster
import GeoFleetCore
import GeoFleetLive
import GeoFleetPostGIS
import Logging

/// Cluster mode's pieces on this node: the bus to the other nodes and what applies their messages.
struct ClusterNode: Sendable {
    let id: String
    let bus: ClusterBus
    let receiver: ClusterReceiver

    /// nil unless `GEOFLEET_NODE_ID` is set. Receiving starts with ``start()``, once the engine is up.
    static func make(
        _ configuration: GeoFleetConfiguration, live: ClusterReceiver.LiveParts, store: FleetStore, now: @escaping @Sendable () -> Int64,
        logger: Logger
    ) throws -> ClusterNode? {
        guard let id = configuration.cluster.nodeID, let url = configuration.storage.redisURL else { return nil }
        let target = try RedisTarget(url: url)
        let receiver = ClusterReceiver(live: live, store: store, now: now, logger: logger)
        let bus = ClusterBus(node: id, logger: logger, connect: { try target.connect(timeout: .seconds(5)) }, handlers: receiver.handlers)
        logger.info("cluster mode", metadata: ["node": "\(id)", "redis": "\(target.redacted)"])
        return ClusterNode(id: id, bus: bus, receiver: receiver)
    }

    /// Hands a live event made here to the other nodes (GPS updates travel as positions instead).
    func relay(_ event: FleetEvent) {
        guard event.kind != .gpsUpdate else { return }
        bus.publish(
            event: RelayedEvent(
                node: id, kind: event.kind.rawValue, userID: event.userID, vehicleID: event.vehicleID, data: event.data,
                eventID: event.eventID, cargoID: event.cargoID))
    }
}
