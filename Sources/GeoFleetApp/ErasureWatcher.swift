import GeoFleetHotIndex
import GeoFleetLive
import GeoFleetMatchService
import GeoFleetPostGIS
import Logging
import PostgresNIO
import ServiceLifecycle

/// Clears the hot index (and the stream's resume window) of vehicles erased by another process (`geofleet erase` runs beside the
/// daemon and cannot reach its memory): polls `position_erasures` and drops each newly erased
/// vehicle's latest fix when it is not newer than the erasure.
struct ErasureWatcher: Service {
    let client: PostgresClient
    let hot: HotPositions
    let catalog: VehicleCatalog
    let events: FleetEventHub
    let matching: MatchService
    let interval: Duration
    let logger: Logger

    func run() async throws {
        var seen = (try? await ErasureLedger.all(client: client, logger: logger)) ?? [:]
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            guard let erasures = try? await ErasureLedger.all(client: client, logger: logger) else { continue }
            for (key, through) in erasures where seen[key] != through {
                if let id = catalog.entry(key: key)?.id { events.redactPositions(of: id) }
                matching.forget(vehicleKey: key)
                if let owner = catalog.entry(key: key)?.owner, let fix = hot.latest(vehicleKey: key, owner: owner), fix.fixTime <= through {
                    hot.remove(vehicleKey: key, owner: owner)
                    logger.info("erased vehicle dropped from the hot index", metadata: ["vehicleKey": "\(key)"])
                }
            }
            seen = erasures
        }
    }
}
