import GeoFleetArchive
import Logging
import ServiceLifecycle

/// Runs the archive job in geofleetd: shortly after start, then every `everyHours`. Two daemons on
/// one database are safe: the job's advisory lock lets one run and the other skip.
struct ArchiveScheduler: Service {
    let archiver: PartitionArchiver
    let everyHours: Int
    let logger: Logger

    func run() async throws {
        guard everyHours > 0 else {
            // A service that returns ends the whole group: idle until shutdown instead.
            try? await gracefulShutdown()
            return
        }
        // Let ingest settle after a start before the first run.
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(60)) }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let summary = try await archiver.run()
                if !summary.lockedOut {
                    logger.info(
                        "archive run finished",
                        metadata: [
                            "partitions": "\(summary.archived.count)", "rows": "\(summary.rows)",
                            "skippedRestored": "\(summary.skippedRestored.count)", "needsAttention": "\(summary.needsAttention)",
                        ])
                }
            } catch {
                logger.error("archive run failed; partitions stay in PostGIS, the next run retries", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(3600 * everyHours)) }
        }
    }
}
