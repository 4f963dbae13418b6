import GeoFleetPostGIS
import Logging

/// The database the CLI works on: the configured URL, or the daemon's private cluster (started if
/// it is not running), migrated to the current schema.
public enum OperatorDatabase {
    public static func endpoint(_ configuration: GeoFleetConfiguration, logger: Logger) async throws -> DatabaseEndpoint {
        let (endpoint, _) = try await DatabaseSetup.prepare(configuration, logger: logger)
        try await DatabaseSetup.migrate(endpoint, logger: logger)
        return endpoint
    }
}
