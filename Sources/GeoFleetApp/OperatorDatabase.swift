import GeoFleetPlatform
import GeoFleetPostGIS
import Logging
import NIOPosix
import PostgresNIO

/// The database the CLI works on: the configured URL, or the daemon's private cluster (started if
/// it is not running), migrated to the current schema.
public enum OperatorDatabase {
    public static func endpoint(_ configuration: GeoFleetConfiguration, logger: Logger) async throws -> DatabaseEndpoint {
        let endpoint: DatabaseEndpoint
        if let url = configuration.databaseURL {
            endpoint = try DatabaseEndpoint(url: url)
        } else {
            let cluster = configuration.embeddedCluster(logger: logger)
            // pg_ctl blocks: off the cooperative pool.
            try await Blocking.onThreadPool { try cluster.start() }
            try await GeoFleetEngine.createDatabaseIfMissing(GeoFleetConfiguration.embeddedDatabaseName, on: cluster.endpoint(), logger: logger)
            endpoint = cluster.endpoint(database: GeoFleetConfiguration.embeddedDatabaseName)
        }
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: endpoint.connectionConfiguration, id: 0, logger: logger)
        do {
            try await Migrations.migrate(connection, logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
        return endpoint
    }
}
