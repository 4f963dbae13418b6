import GeoFleetPostGIS
import Logging
import PostgresNIO
import ServiceLifecycle

/// Keeps `positions` partitions created ahead of time (hourly check).
struct PartitionMaintainer: Service {
    let client: PostgresClient
    let scheme: PartitionScheme
    let ahead: Int
    let now: @Sendable () -> Int64
    let logger: Logger

    func ensure() async throws {
        let today = now()
        let names = try await client.withConnection { connection in
            try await PartitionMaintenance.ensure(
                from: today - scheme.intervalMilliseconds, through: today + Int64(ahead) * scheme.intervalMilliseconds,
                scheme: scheme, on: connection, logger: logger)
        }
        logger.debug("partitions ensured", metadata: ["partitions": "\(names.joined(separator: ","))"])
    }

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await ensure()
            } catch {
                logger.warning("partition maintenance failed; will retry", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(3600)) }
        }
    }
}
