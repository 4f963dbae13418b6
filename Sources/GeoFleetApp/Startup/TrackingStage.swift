import GeoFleetPostGIS
import GeoFleetTracking
import Logging

/// Start-up, between the live state and ingest: geofences, deals and the event evaluator's state, so
/// that the spool's replay is evaluated from where the evaluator's watermark stands.
enum TrackingStage {
    static func load(_ configuration: GeoFleetConfiguration, storage: StorageStage, live: LiveStage, logger: Logger) async throws -> Tracking {
        // A first start evaluates from the newest committed position on: history older than the
        // evaluator itself is not turned into events.
        let node = configuration.cluster.nodeID ?? ""
        let layout = try await WriterStreams.read(node: node, client: storage.client, logger: logger)
        return try await Tracking(
            client: storage.client, catalog: live.catalog, hub: live.events, configuration: configuration.tracking,
            initialWatermark: layout.watermarks.max() ?? 0, node: node, logger: logger)
    }
}
