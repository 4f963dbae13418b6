import GeoFleetPlatform
import GeoFleetPostGIS
import Logging
import NIOPosix
import PostgresNIO

/// Makes the configured database ready, for the daemon and the CLI alike: the URL's server, or the
/// private cluster under the data dir (started when it is not running, its database created).
enum DatabaseSetup {
    /// The endpoint, and the private cluster when one was started for it.
    static func prepare(_ configuration: GeoFleetConfiguration, logger: Logger) async throws -> (DatabaseEndpoint, EmbeddedPostgres?) {
        if let url = configuration.storage.databaseURL { return (try DatabaseEndpoint(url: url), nil) }
        let cluster = configuration.embeddedCluster(logger: logger)
        // pg_ctl blocks: off the cooperative pool.
        try await Blocking.onThreadPool { try cluster.start() }
        try await createDatabaseIfMissing(GeoFleetConfiguration.embeddedDatabaseName, on: cluster.endpoint(), logger: logger)
        return (cluster.endpoint(database: GeoFleetConfiguration.embeddedDatabaseName), cluster)
    }

    /// Brings the schema to the current version over a connection of its own.
    static func migrate(_ endpoint: DatabaseEndpoint, logger: Logger) async throws {
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: endpoint.connectionConfiguration, id: 0, logger: logger)
        do {
            try await Migrations.migrate(connection, logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }

    static func createDatabaseIfMissing(_ name: String, on endpoint: DatabaseEndpoint, logger: Logger) async throws {
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: endpoint.connectionConfiguration, id: 0, logger: logger)
        defer { Task { try? await connection.close() } }
        var exists = false
        for try await _ in try await connection.query("SELECT 1 FROM pg_database WHERE datname = \(name)", logger: logger).decode(Int.self) {
            exists = true
        }
        if !exists {
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \"\(name)\""), logger: logger)
        }
    }
}
