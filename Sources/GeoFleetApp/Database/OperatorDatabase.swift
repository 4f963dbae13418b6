import GeoFleetPostGIS
import Logging
import PostgresNIO

/// The database the CLI works on: the configured URL, or the daemon's private cluster (started if
/// it is not running), migrated to the current schema.
public enum OperatorDatabase {
    public static func endpoint(_ configuration: GeoFleetConfiguration, logger: Logger) async throws -> DatabaseEndpoint {
        let (endpoint, _) = try await DatabaseSetup.prepare(configuration, logger: logger)
        try await DatabaseSetup.migrate(endpoint, logger: logger)
        return endpoint
    }

    /// Runs `body` with a pooled client on `endpoint`; the pool stops when it returns.
    public static func withClient<T: Sendable>(
        _ endpoint: DatabaseEndpoint, logger: Logger, _ body: (PostgresClient) async throws -> T
    ) async throws -> T {
        let client = PostgresClient(configuration: endpoint.clientConfiguration, backgroundLogger: logger)
        let task = await client.runInBackground()
        defer { task.cancel() }
        return try await body(client)
    }
}
