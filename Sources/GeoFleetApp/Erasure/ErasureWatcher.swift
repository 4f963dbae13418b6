import GeoFleetPostGIS
import Logging
import PostgresNIO
import ServiceLifecycle

/// Forgets in memory the vehicles erased by another process (`geofleet erase` runs beside the daemon
/// and cannot reach its memory): polls `position_erasures`, and for each newly erased vehicle drops
/// its latest fix when it is not newer than the erasure.
struct ErasureWatcher: Service {
    let client: PostgresClient
    let forgetter: VehicleForgetter
    let interval: Duration
    let logger: Logger

    func run() async throws {
        var seen = (try? await ErasureLedger.all(client: client, logger: logger)) ?? [:]
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            guard let erasures = try? await ErasureLedger.all(client: client, logger: logger) else { continue }
            for (key, through) in erasures where seen[key] != through {
                if forgetter.forget(vehicleKey: key, fixesThrough: through) {
                    logger.info("erased vehicle dropped from the hot index", metadata: ["vehicleKey": "\(key)"])
                }
            }
            seen = erasures
        }
    }
}
