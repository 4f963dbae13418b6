import Foundation
import GeoFleetAPI
import GeoFleetIngest
import GeoFleetMatchService
import GeoFleetPostGIS
import GeoFleetTracking
import Logging

/// Everything `geofleetd` and `geofleet` read from the `GEOFLEET_*` environment (CONTRACT.md), by section.
public struct GeoFleetConfiguration: Sendable {
    public var storage: StorageSettings
    public var listeners: ListenerSettings
    public var devices: DeviceSettings
    /// Which device fixes are dropped before storage.
    public var filters: FilterRules
    public var writer: WriterSettings
    public var auth: AuthSettings
    public var rateLimits: RateLimitSettings
    /// The API listener's timeouts and caps.
    public var apiLimits: APIServerLimits
    public var archive: ArchiveSettings
    public var routing: RoutingSettings
    /// Cargo ↔ vehicle matching.
    public var matching: MatchConfiguration
    /// Geofences, deals and connectivity.
    public var tracking: TrackingConfiguration
    /// The event log and webhook deliveries.
    public var events: EventSettings
    /// TLS on the device ports and the API.
    public var tls: TLSSettings
    /// GDPR exports.
    public var exports: ExportSettings
    /// Cluster mode.
    public var cluster: ClusterSettings
    /// The operator's console and its tiles.
    public var console: ConsoleSettings

    /// The defaults, with everything under `dataDirectory`.
    public init(dataDirectory: String = "./.geofleet") {
        storage = StorageSettings()
        storage.dataDirectory = dataDirectory
        listeners = ListenerSettings()
        devices = DeviceSettings()
        filters = FilterRules()
        writer = WriterSettings()
        auth = AuthSettings()
        rateLimits = RateLimitSettings()
        apiLimits = APIServerLimits()
        archive = ArchiveSettings()
        archive.directory = dataDirectory + "/archive"
        routing = RoutingSettings()
        matching = MatchConfiguration()
        tracking = TrackingConfiguration()
        events = EventSettings()
        tls = TLSSettings()
        exports = ExportSettings()
        cluster = ClusterSettings()
        console = ConsoleSettings()
    }

    /// Reads the `GEOFLEET_*` variables; an unusable value is a ``ConfigurationError`` naming the variable.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> GeoFleetConfiguration {
        // The data dir first: the archive dir's default lies under it.
        var storage = StorageSettings()
        try storage.read(env)
        var c = GeoFleetConfiguration(dataDirectory: storage.dataDirectory)
        c.storage = storage
        try c.listeners.read(env)
        try c.devices.read(env)
        try c.filters.read(env)
        try c.writer.read(env)
        try c.auth.read(env)
        try c.rateLimits.read(env)
        try c.apiLimits.read(env)
        try c.archive.read(env)
        try c.routing.read(env)
        try c.matching.read(env)
        try c.tracking.read(env)
        try c.events.read(env)
        try c.tls.read(env)
        try c.tls.validate()
        try c.exports.read(env)
        try c.cluster.read(env)
        try c.cluster.validate(storage: c.storage)
        try c.console.read(env)
        return c
    }

    /// Every variable, in the order of the sections above, as the configuration table shows them.
    static var tableRows: [ConfigurationTable.Row] {
        StorageSettings.tableRows + ListenerSettings.tableRows + DeviceSettings.tableRows + FilterRules.tableRows
            + WriterSettings.tableRows + AuthSettings.tableRows + RateLimitSettings.tableRows + APIServerLimits.tableRows
            + ArchiveSettings.tableRows + RoutingSettings.tableRows + MatchConfiguration.tableRows + TrackingConfiguration.tableRows
            + EventSettings.tableRows + TLSSettings.tableRows + ExportSettings.tableRows + ClusterSettings.tableRows
            + ConsoleSettings.tableRows
    }

    /// The README's configuration table (Markdown): variable, default, meaning.
    public static func markdownTable() -> String {
        ConfigurationTable.markdown(tableRows)
    }

    /// The database geofleetd creates in its embedded cluster.
    public static let embeddedDatabaseName = "geofleet"

    /// The private cluster used when no database URL is configured (`<data dir>/postgres`).
    public func embeddedCluster(logger: Logger) -> EmbeddedPostgres {
        EmbeddedPostgres(directory: URL(fileURLWithPath: storage.dataDirectory).standardizedFileURL.path + "/postgres", logger: logger)
    }

    /// The JWT secret: configured, or created once under the data dir and kept.
    public func resolvedJWTSecret() throws -> String {
        if let secret = auth.secret { return secret }
        let dataDirectory = storage.dataDirectory
        let path = dataDirectory + "/jwt-secret"
        if let existing = try? String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !existing.isEmpty {
            return existing
        }
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var bytes = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = rng.next() }
        let secret = bytes.map { String(format: "%02x", $0) }.joined()
        _ = FileManager.default.createFile(atPath: path, contents: Data(secret.utf8), attributes: [.posixPermissions: 0o600])
        return secret
    }
}
