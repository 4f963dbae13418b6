/// Road routing: the built-in graphs, the external router behind its breaker, and the route cache.
public struct RoutingSettings: Sendable, ConfigSection {
    /// The profiles GeoFleet knows.
    static let knownProfiles = ["car", "van", "rigid", "articulated"]

    /// An `.osm.pbf` (graphs are built into the data dir when missing or stale) or a directory of `<profile>.graph` files.
    public var osmPath: String?
    /// Profiles to load (and build).
    public var profiles = RoutingSettings.knownProfiles
    /// The profile used when a request names none.
    public var defaultProfile = "articulated"
    public var maxSnapMeters = 1000
    public var maxMatrixCells = 250_000
    /// An external OSRM or Valhalla, tried when the built-in graph cannot answer.
    public var externalURL: String?
    public var externalKind = "osrm"
    /// OSRM's profile path segment (`driving`) or Valhalla's costing (`truck`).
    public var externalProfile: String?
    public var externalTimeoutMilliseconds = 2000
    public var breakerFailures = 5
    public var breakerCooldownSeconds = 10
    public var cacheEntries = 200_000
    public var cacheTTLSeconds = 86_400

    public init() {}

    static var variables: [ConfigVariable<Self>] {
        [
            .optionalText(
                "GEOFLEET_OSM", \.osmPath,
                "an `.osm.pbf` (graphs built into the data dir when missing or stale) or a directory of "
                    + "`<profile>.graph` files", unset: "unset: external router or heuristic only"),
            .list(
                "GEOFLEET_ROUTING_PROFILES", allowed: knownProfiles, keepDefaultWhenEmpty: true, "profiles to load (and build)",
                defaultText: "`\(knownProfiles.joined(separator: ","))`", set: { $0.profiles = $1 }),
            .choice("GEOFLEET_ROUTING_DEFAULT_PROFILE", \.defaultProfile, knownProfiles, "the profile of a request that names none"),
            .integer("GEOFLEET_ROUTING_MAX_SNAP_METERS", \.maxSnapMeters, 1...100_000, "a point farther from the road network is not routed"),
            .integer(
                "GEOFLEET_ROUTING_MAX_MATRIX_CELLS", \.maxMatrixCells, 1...1_000_000,
                "cells one matrix request may ask for (250000: 500 × 500, about 4 MB of JSON)"),
            .optionalText("GEOFLEET_ROUTING_EXTERNAL_URL", \.externalURL, "an OSRM or Valhalla tried when the built-in graph cannot answer"),
            .choice("GEOFLEET_ROUTING_EXTERNAL_KIND", \.externalKind, ["osrm", "valhalla"], "what the external router is"),
            .optionalText(
                "GEOFLEET_ROUTING_EXTERNAL_PROFILE", \.externalProfile, "OSRM's profile path segment or Valhalla's costing",
                unset: "`driving` (OSRM), `truck` (Valhalla)"),
            .integer("GEOFLEET_ROUTING_EXTERNAL_TIMEOUT_MS", \.externalTimeoutMilliseconds, 10...120_000, "the external router's timeout"),
            .integer("GEOFLEET_ROUTING_BREAKER_FAILURES", \.breakerFailures, 1...1000, "failures in a row that open the external router's breaker"),
            .integer(
                "GEOFLEET_ROUTING_BREAKER_COOLDOWN_SECONDS", \.breakerCooldownSeconds, 1...3600, "seconds the open breaker waits before a trial"),
            .integer("GEOFLEET_ROUTE_CACHE_ENTRIES", \.cacheEntries, 1...100_000_000, "routes kept in memory"),
            .integer("GEOFLEET_ROUTE_CACHE_TTL_SECONDS", \.cacheTTLSeconds, 1...30 * 86_400, "how long a cached route (in memory and Redis) is kept"),
        ]
    }
}
