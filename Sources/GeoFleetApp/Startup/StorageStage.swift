import GeoFleetPostGIS
import Logging
import PostgresNIO

/// Start-up, first: the database ready and migrated, its connection pool running, partitions in place.
struct StorageStage: Sendable {
    let endpoint: DatabaseEndpoint
    /// The private cluster, when no database URL is configured; stopped last.
    let embedded: EmbeddedPostgres?
    let client: PostgresClient
    let clientTask: Task<Void, Never>
    let store: FleetStore
    let scheme: PartitionScheme
    let maintainer: PartitionMaintainer

    static func start(_ configuration: GeoFleetConfiguration, now: @escaping @Sendable () -> Int64, logger: Logger) async throws -> StorageStage {
        let (endpoint, embedded) = try await DatabaseSetup.prepare(configuration, logger: logger)
        let scheme = PartitionScheme(hours: configuration.storage.partitionHours)
        try await DatabaseSetup.migrate(endpoint, logger: logger)
        let client = PostgresClient(configuration: endpoint.clientConfiguration, backgroundLogger: logger)
        let clientTask = await client.runInBackground()
        let maintainer = PartitionMaintainer(client: client, scheme: scheme, ahead: configuration.storage.partitionsAhead, now: now, logger: logger)
        let stage = StorageStage(
            endpoint: endpoint, embedded: embedded, client: client, clientTask: clientTask, store: FleetStore(client: client, logger: logger),
            scheme: scheme, maintainer: maintainer)
        try await maintainer.ensure()
        return stage
    }

    /// Stops the pool, then the private cluster.
    func stop(logger: Logger) async {
        clientTask.cancel()
        await clientTask.value
        if let embedded {
            do { try embedded.stop() } catch { logger.error("stopping PostgreSQL failed", metadata: ["error": "\(error)"]) }
        }
    }
}
