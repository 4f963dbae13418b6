import GeoFleetAPI

/// Per-user request limits (429 with `Retry-After`); 0 turns a group off.
public struct RateLimitSettings: Sendable, ConfigSection {
    /// Changes under `/api/fleet/` per hour: the marketplace's "fleet operations 10/hour".
    public var fleetWritesPerHour = 10
    /// Other `/api/` calls per minute.
    public var apiPerMinute = 120
    /// `/api/routes/` and `/api/match/` calls per minute.
    public var routingPerMinute = 30
    /// Users remembered at once.
    public var maxUsers = 100_000

    public init() {}

    static var variables: [ConfigVariable<Self>] {
        [
            .integer(
                "GEOFLEET_RATE_LIMIT_FLEET_WRITES_PER_HOUR", \.fleetWritesPerHour, 0...1_000_000,
                "fleet changes per user and hour (the marketplace's 10/hour; 0 = off)"),
            .integer("GEOFLEET_RATE_LIMIT_API_PER_MINUTE", \.apiPerMinute, 0...1_000_000, "other API calls per user and minute (0 = off)"),
            .integer(
                "GEOFLEET_RATE_LIMIT_ROUTING_PER_MINUTE", \.routingPerMinute, 0...1_000_000,
                "routing and matching calls per user and minute (0 = off)"),
            .integer("GEOFLEET_RATE_LIMIT_MAX_USERS", \.maxUsers, 1...10_000_000, "users the limiter remembers at once"),
        ]
    }

    /// The limiter's configuration.
    public var limiter: RateLimitConfiguration {
        RateLimitConfiguration(
            fleetWritesPerHour: fleetWritesPerHour, apiPerMinute: apiPerMinute, routingPerMinute: routingPerMinute,
            maxTrackedUsers: maxUsers)
    }
}
