import Foundation
import GeoFleetAPI
import GeoFleetIngest
import GeoFleetMatchService
import GeoFleetPostGIS
import NIOCore
import Logging

/// Everything `geofleetd` and `geofleet` read from the environment (CONTRACT.md), with defaults.
public struct GeoFleetConfiguration: Sendable {
    public var dataDirectory: String
    /// nil: a private cluster under the data dir.
    public var databaseURL: String?
    public var redisURL: String?
    public var bindHost: String
    public var httpPort: Int
    /// Teltonika over TCP and UDP share this port, as on Traccar.
    public var teltonikaPort: Int
    public var gt06Port: Int
    public var osmandPort: Int
    public var ruptelaPort: Int
    /// Which device fixes are dropped before storage (`GEOFLEET_FILTER_*`).
    public var filter: FilterRules
    /// nil: a random key kept in `<data dir>/jwt-secret`.
    public var jwtSecret: String?
    /// A JWKS file whose RS256 keys sign accepted tokens too (Clerk session tokens).
    public var jwksFile: String?
    /// The issuer RS256 tokens must name (Clerk's frontend API URL); nil: not checked.
    public var jwtIssuer: String?
    /// Origins RS256 tokens' `azp` must be one of; empty: not checked.
    public var jwtAuthorizedParties: Set<String>
    /// Clock skew allowed on `exp`, `nbf` and `iat`.
    public var jwtLeewaySeconds: Int
    /// Per-user limits (0 turns a group off): fleet changes per hour (the seed's 10), other API calls
    /// and routing/matching calls per minute.
    public var rateLimitFleetWritesPerHour: Int
    public var rateLimitAPIPerMinute: Int
    public var rateLimitRoutingPerMinute: Int
    public var rateLimitMaxUsers: Int
    public var autoRegister: Bool
    /// Owner of vehicles created by auto-registration.
    public var autoRegisterOwner: String
    public var archiveDirectory: String
    public var retentionDays: Int
    /// Hours between archive runs in geofleetd (`GEOFLEET_ARCHIVE_EVERY_HOURS`, 24); 0: only `geofleet archive run`.
    public var archiveEveryHours: Int
    public var partitionHours: Int
    /// Partitions created ahead of today.
    public var partitionsAhead: Int
    public var spoolMaxBytes: Int64
    public var writerBatchRows: Int
    public var writerBatchDelay: Duration
    /// One batch's deadline: past it the writer drops its connection and retries on a new one.
    public var writerTimeout: Duration
    public var deviceIdleTimeoutSeconds: Int64
    /// Frames waiting for a device's session before its reads stop (`GEOFLEET_DEVICE_FRAME_BUFFER`).
    public var deviceFrameBuffer: Int
    /// A device averaging more frames a second over 30 s is closed (`GEOFLEET_DEVICE_MAX_FRAMES_PER_SECOND`; 0 = off).
    public var deviceMaxFramesPerSecond: Int
    /// IO elements one Teltonika record may carry (`GEOFLEET_TELTONIKA_MAX_IO_PER_RECORD`).
    public var teltonikaMaxIOPerRecord: Int
    /// Seconds a device has from connecting to identifying itself (`GEOFLEET_DEVICE_HANDSHAKE_SECONDS`).
    public var deviceHandshakeSeconds: Int
    /// Open device connections over all listeners (`GEOFLEET_MAX_CONNECTIONS`) and per remote IP (`GEOFLEET_MAX_CONNECTIONS_PER_IP`).
    public var maxConnections: Int
    public var maxConnectionsPerIP: Int
    /// Seconds an id bound to no vehicle is refused from memory (`GEOFLEET_DEVICE_UNKNOWN_CACHE_SECONDS`; 0 = always look up).
    public var deviceUnknownCacheSeconds: Int
    /// Seconds an OsmAnd connection has for each whole request (`GEOFLEET_OSMAND_REQUEST_SECONDS`).
    public var osmandRequestSeconds: Int
    /// `GEOFLEET_OSM`: an `.osm.pbf` (graphs are built into the data dir when missing or stale) or a directory of `<profile>.graph` files.
    public var osmPath: String?
    /// Profiles to load (and build), `GEOFLEET_ROUTING_PROFILES`.
    public var routingProfiles: [String]
    /// The profile used when a request names none.
    public var routingDefaultProfile: String
    public var routingMaxSnapMeters: Int
    public var routingMaxMatrixCells: Int
    /// An external OSRM or Valhalla, tried when the built-in graph cannot answer.
    public var routingExternalURL: String?
    public var routingExternalKind: String
    /// OSRM's profile path segment (`driving`) or Valhalla's costing (`truck`).
    public var routingExternalProfile: String?
    public var routingExternalTimeoutMilliseconds: Int
    public var routingBreakerFailures: Int
    public var routingBreakerCooldownSeconds: Int
    public var routeCacheEntries: Int
    public var routeCacheTTLSeconds: Int
    /// Cargo ↔ vehicle matching (`GEOFLEET_MATCH_*`).
    public var matching: MatchConfiguration
    /// The API listener's timeouts and caps (`GEOFLEET_HTTP_*`, `GEOFLEET_STREAMS_PER_USER`).
    public var apiLimits = APIServerLimits()

    public init(dataDirectory: String = "./.geofleet") {
        self.dataDirectory = dataDirectory
        databaseURL = nil
        redisURL = nil
        bindHost = "0.0.0.0"
        httpPort = 8080
        teltonikaPort = 5027
        gt06Port = 5023
        osmandPort = 5055
        ruptelaPort = 5046
        filter = FilterRules()
        jwtSecret = nil
        jwksFile = nil
        jwtIssuer = nil
        jwtAuthorizedParties = []
        jwtLeewaySeconds = 5
        rateLimitFleetWritesPerHour = 10
        rateLimitAPIPerMinute = 120
        rateLimitRoutingPerMinute = 30
        rateLimitMaxUsers = 100_000
        autoRegister = false
        autoRegisterOwner = "unassigned"
        archiveDirectory = dataDirectory + "/archive"
        retentionDays = 30
        archiveEveryHours = 24
        partitionHours = 24
        partitionsAhead = 3
        spoolMaxBytes = 1 << 30
        writerBatchRows = 10_000
        writerBatchDelay = .milliseconds(200)
        writerTimeout = .seconds(30)
        matching = MatchConfiguration()
        deviceIdleTimeoutSeconds = 600
        deviceFrameBuffer = DeviceListenerLimits().frameBuffer
        deviceMaxFramesPerSecond = DeviceListenerLimits().maxFramesPerSecond
        teltonikaMaxIOPerRecord = DeviceListenerLimits().maxIOElementsPerRecord
        deviceHandshakeSeconds = 30
        maxConnections = 50_000
        maxConnectionsPerIP = 1_000
        deviceUnknownCacheSeconds = 60
        osmandRequestSeconds = 10
        osmPath = nil
        routingProfiles = ["car", "van", "rigid", "articulated"]
        routingDefaultProfile = "articulated"
        routingMaxSnapMeters = 1000
        routingMaxMatrixCells = 250_000
        routingExternalURL = nil
        routingExternalKind = "osrm"
        routingExternalProfile = nil
        routingExternalTimeoutMilliseconds = 2000
        routingBreakerFailures = 5
        routingBreakerCooldownSeconds = 10
        routeCacheEntries = 200_000
        routeCacheTTLSeconds = 86_400
    }

    /// Reads `GEOFLEET_*` variables; a malformed value is an error naming the variable.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> GeoFleetConfiguration {
        var c = GeoFleetConfiguration(dataDirectory: env["GEOFLEET_DATA_DIR"] ?? "./.geofleet")
        c.databaseURL = env["GEOFLEET_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        c.redisURL = env["GEOFLEET_REDIS_URL"].flatMap { $0.isEmpty ? nil : $0 }
        c.bindHost = env["GEOFLEET_BIND"] ?? c.bindHost
        c.httpPort = try int(env, "GEOFLEET_HTTP_PORT", c.httpPort, 0...65535)
        c.teltonikaPort = try int(env, "GEOFLEET_TELTONIKA_PORT", c.teltonikaPort, 0...65535)
        c.gt06Port = try int(env, "GEOFLEET_GT06_PORT", c.gt06Port, 0...65535)
        c.osmandPort = try int(env, "GEOFLEET_OSMAND_PORT", c.osmandPort, 0...65535)
        c.ruptelaPort = try int(env, "GEOFLEET_RUPTELA_PORT", c.ruptelaPort, 0...65535)
        c.filter.invalid = try bool(env, "GEOFLEET_FILTER_INVALID", c.filter.invalid)
        c.filter.zero = try bool(env, "GEOFLEET_FILTER_ZERO", c.filter.zero)
        c.filter.futureSeconds = Int64(try int(env, "GEOFLEET_FILTER_FUTURE_SECONDS", Int(c.filter.futureSeconds), 0...366 * 86_400))
        c.filter.pastSeconds = Int64(try int(env, "GEOFLEET_FILTER_PAST_SECONDS", Int(c.filter.pastSeconds), 0...3650 * 86_400))
        c.filter.maxSpeedKmh = Double(try int(env, "GEOFLEET_FILTER_MAX_SPEED_KMH", Int(c.filter.maxSpeedKmh), 0...2000))
        c.filter.maxAccuracyMetres = Double(try int(env, "GEOFLEET_FILTER_ACCURACY_M", Int(c.filter.maxAccuracyMetres), 0...1_000_000))
        c.jwksFile = env["GEOFLEET_JWKS_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        c.jwtIssuer = env["GEOFLEET_JWT_ISSUER"].flatMap { $0.isEmpty ? nil : $0 }
        c.jwtAuthorizedParties = Set((env["GEOFLEET_JWT_AUTHORIZED_PARTIES"] ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty })
        c.jwtLeewaySeconds = try int(env, "GEOFLEET_JWT_LEEWAY_SECONDS", c.jwtLeewaySeconds, 0...300)
        c.rateLimitFleetWritesPerHour = try int(env, "GEOFLEET_RATE_LIMIT_FLEET_WRITES_PER_HOUR", c.rateLimitFleetWritesPerHour, 0...1_000_000)
        c.rateLimitAPIPerMinute = try int(env, "GEOFLEET_RATE_LIMIT_API_PER_MINUTE", c.rateLimitAPIPerMinute, 0...1_000_000)
        c.rateLimitRoutingPerMinute = try int(env, "GEOFLEET_RATE_LIMIT_ROUTING_PER_MINUTE", c.rateLimitRoutingPerMinute, 0...1_000_000)
        c.rateLimitMaxUsers = try int(env, "GEOFLEET_RATE_LIMIT_MAX_USERS", c.rateLimitMaxUsers, 1...10_000_000)
        c.jwtSecret = env["GEOFLEET_JWT_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        c.autoRegister = try bool(env, "GEOFLEET_AUTO_REGISTER", c.autoRegister)
        c.autoRegisterOwner = env["GEOFLEET_AUTO_REGISTER_OWNER"] ?? c.autoRegisterOwner
        c.archiveDirectory = env["GEOFLEET_ARCHIVE_DIR"] ?? c.dataDirectory + "/archive"
        c.retentionDays = try int(env, "GEOFLEET_RETENTION_DAYS", c.retentionDays, 1...3650)
        c.archiveEveryHours = try int(env, "GEOFLEET_ARCHIVE_EVERY_HOURS", c.archiveEveryHours, 0...24 * 31)
        c.partitionHours = try int(env, "GEOFLEET_PARTITION_HOURS", c.partitionHours, 1...24 * 31)
        c.spoolMaxBytes = Int64(try int(env, "GEOFLEET_SPOOL_MAX_MB", Int(c.spoolMaxBytes >> 20), 1...1_000_000)) << 20
        c.writerBatchRows = try int(env, "GEOFLEET_WRITER_BATCH_ROWS", c.writerBatchRows, 1...1_000_000)
        c.writerBatchDelay = .milliseconds(try int(env, "GEOFLEET_WRITER_BATCH_MS", 200, 1...60_000))
        c.writerTimeout = .milliseconds(try int(env, "GEOFLEET_WRITER_TIMEOUT_MS", 30_000, 100...3_600_000))
        c.matching.moveThresholdMeters = Double(try int(env, "GEOFLEET_MATCH_MOVE_KM", 10, 1...1000) * 1000)
        c.matching.roadCandidates = try int(env, "GEOFLEET_MATCH_ROAD_CANDIDATES", 50, 1...1000)
        c.matching.cargoRadiusMeters = Double(try int(env, "GEOFLEET_MATCH_CARGO_RADIUS_KM", 500, 10...5000) * 1000)
        c.matching.handlingSeconds = Double(try int(env, "GEOFLEET_MATCH_HANDLING_MINUTES", 120, 0...1440) * 60)
        c.deviceIdleTimeoutSeconds = Int64(try int(env, "GEOFLEET_DEVICE_IDLE_SECONDS", Int(c.deviceIdleTimeoutSeconds), 5...86_400))
        c.deviceFrameBuffer = try int(env, "GEOFLEET_DEVICE_FRAME_BUFFER", c.deviceFrameBuffer, 1...1024)
        c.deviceMaxFramesPerSecond = try int(env, "GEOFLEET_DEVICE_MAX_FRAMES_PER_SECOND", c.deviceMaxFramesPerSecond, 0...1_000_000)
        c.teltonikaMaxIOPerRecord = try int(env, "GEOFLEET_TELTONIKA_MAX_IO_PER_RECORD", c.teltonikaMaxIOPerRecord, 1...65_535)
        c.deviceHandshakeSeconds = try int(env, "GEOFLEET_DEVICE_HANDSHAKE_SECONDS", c.deviceHandshakeSeconds, 1...3600)
        c.maxConnections = try int(env, "GEOFLEET_MAX_CONNECTIONS", c.maxConnections, 1...10_000_000)
        c.maxConnectionsPerIP = try int(env, "GEOFLEET_MAX_CONNECTIONS_PER_IP", c.maxConnectionsPerIP, 1...10_000_000)
        c.deviceUnknownCacheSeconds = try int(env, "GEOFLEET_DEVICE_UNKNOWN_CACHE_SECONDS", c.deviceUnknownCacheSeconds, 0...86_400)
        c.osmandRequestSeconds = try int(env, "GEOFLEET_OSMAND_REQUEST_SECONDS", c.osmandRequestSeconds, 1...3600)
        c.osmPath = env["GEOFLEET_OSM"].flatMap { $0.isEmpty ? nil : $0 }
        if let raw = env["GEOFLEET_ROUTING_PROFILES"], !raw.isEmpty {
            c.routingProfiles = raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let known = ["car", "van", "rigid", "articulated"]
        for profile in c.routingProfiles where !known.contains(profile) {
            throw ConfigurationError(variable: "GEOFLEET_ROUTING_PROFILES", message: "unknown profile \(profile); known: \(known.joined(separator: ", "))")
        }
        c.routingDefaultProfile = env["GEOFLEET_ROUTING_DEFAULT_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? c.routingDefaultProfile
        guard known.contains(c.routingDefaultProfile) else {
            throw ConfigurationError(variable: "GEOFLEET_ROUTING_DEFAULT_PROFILE", message: "must be one of \(known.joined(separator: ", "))")
        }
        c.routingMaxSnapMeters = try int(env, "GEOFLEET_ROUTING_MAX_SNAP_METERS", c.routingMaxSnapMeters, 1...100_000)
        c.routingMaxMatrixCells = try int(env, "GEOFLEET_ROUTING_MAX_MATRIX_CELLS", c.routingMaxMatrixCells, 1...1_000_000)
        c.routingExternalURL = env["GEOFLEET_ROUTING_EXTERNAL_URL"].flatMap { $0.isEmpty ? nil : $0 }
        c.routingExternalKind = env["GEOFLEET_ROUTING_EXTERNAL_KIND"].flatMap { $0.isEmpty ? nil : $0 } ?? c.routingExternalKind
        guard ["osrm", "valhalla"].contains(c.routingExternalKind) else {
            throw ConfigurationError(variable: "GEOFLEET_ROUTING_EXTERNAL_KIND", message: "must be osrm or valhalla")
        }
        c.routingExternalProfile = env["GEOFLEET_ROUTING_EXTERNAL_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
        c.routingExternalTimeoutMilliseconds = try int(env, "GEOFLEET_ROUTING_EXTERNAL_TIMEOUT_MS", c.routingExternalTimeoutMilliseconds, 10...120_000)
        c.routingBreakerFailures = try int(env, "GEOFLEET_ROUTING_BREAKER_FAILURES", c.routingBreakerFailures, 1...1000)
        c.routingBreakerCooldownSeconds = try int(env, "GEOFLEET_ROUTING_BREAKER_COOLDOWN_SECONDS", c.routingBreakerCooldownSeconds, 1...3600)
        c.routeCacheEntries = try int(env, "GEOFLEET_ROUTE_CACHE_ENTRIES", c.routeCacheEntries, 1...100_000_000)
        c.routeCacheTTLSeconds = try int(env, "GEOFLEET_ROUTE_CACHE_TTL_SECONDS", c.routeCacheTTLSeconds, 1...30 * 86_400)
        c.apiLimits.headerTimeoutSeconds = try int(env, "GEOFLEET_HTTP_HEADER_TIMEOUT_SECONDS", c.apiLimits.headerTimeoutSeconds, 1...600)
        c.apiLimits.bodyTimeoutSeconds = try int(env, "GEOFLEET_HTTP_BODY_TIMEOUT_SECONDS", c.apiLimits.bodyTimeoutSeconds, 1...3600)
        c.apiLimits.idleTimeoutSeconds = try int(env, "GEOFLEET_HTTP_IDLE_TIMEOUT_SECONDS", c.apiLimits.idleTimeoutSeconds, 1...3600)
        c.apiLimits.maxConnections = try int(env, "GEOFLEET_HTTP_MAX_CONNECTIONS", c.apiLimits.maxConnections, 1...1_000_000)
        c.apiLimits.maxConnectionsPerIP = try int(env, "GEOFLEET_HTTP_MAX_CONNECTIONS_PER_IP", c.apiLimits.maxConnectionsPerIP, 1...1_000_000)
        c.apiLimits.streamsPerUser = try int(env, "GEOFLEET_STREAMS_PER_USER", c.apiLimits.streamsPerUser, 1...1000)
        return c
    }

    private static func bool(_ env: [String: String], _ name: String, _ fallback: Bool) throws -> Bool {
        guard let raw = env[name], !raw.isEmpty else { return fallback }
        guard let b = Bool(raw.lowercased()) else { throw ConfigurationError(variable: name, message: "must be true or false") }
        return b
    }

    private static func int(_ env: [String: String], _ name: String, _ fallback: Int, _ range: ClosedRange<Int>) throws -> Int {
        guard let raw = env[name], !raw.isEmpty else { return fallback }
        guard let v = Int(raw), range.contains(v) else {
            throw ConfigurationError(variable: name, message: "must be an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return v
    }

    /// The limits every device TCP listener applies to each connection; each call makes a new
    /// connection limiter, to be shared by all the listeners of one engine.
    public var deviceLimits: DeviceListenerLimits {
        var limits = DeviceListenerLimits()
        limits.connections = ConnectionLimiter(maxConnections: maxConnections, maxPerIP: maxConnectionsPerIP)
        limits.handshakeTimeout = .seconds(Int64(deviceHandshakeSeconds))
        limits.frameBuffer = deviceFrameBuffer
        limits.maxFramesPerSecond = deviceMaxFramesPerSecond
        limits.idleTimeout = .seconds(deviceIdleTimeoutSeconds)
        limits.maxIOElementsPerRecord = teltonikaMaxIOPerRecord
        return limits
    }

    /// The database geofleetd creates in its embedded cluster.
    public static let embeddedDatabaseName = "geofleet"

    /// The private cluster used when no database URL is configured (`<data dir>/postgres`).
    public func embeddedCluster(logger: Logger) -> EmbeddedPostgres {
        EmbeddedPostgres(directory: URL(fileURLWithPath: dataDirectory).standardizedFileURL.path + "/postgres", logger: logger)
    }

    /// The JWT secret: configured, or created once under the data dir and kept.
    public func resolvedJWTSecret() throws -> String {
        if let jwtSecret { return jwtSecret }
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

/// A configuration variable with a value we cannot use.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var variable: String
    public var message: String
    public var description: String { "\(variable) \(message)" }
}
