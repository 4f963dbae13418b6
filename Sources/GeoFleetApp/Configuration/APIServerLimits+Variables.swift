import GeoFleetAPI

/// The API listener's timeouts and caps: what a client could hold for free is cut off.
extension APIServerLimits: ConfigSection {
    static var variables: [ConfigVariable<Self>] {
        [
            .integer("GEOFLEET_HTTP_HEADER_TIMEOUT_SECONDS", \.headerTimeoutSeconds, 1...600, "from connect to the end of the first request's head"),
            .integer("GEOFLEET_HTTP_BODY_TIMEOUT_SECONDS", \.bodyTimeoutSeconds, 1...3600, "from a request's head to its last body byte"),
            .integer("GEOFLEET_HTTP_IDLE_TIMEOUT_SECONDS", \.idleTimeoutSeconds, 1...3600, "a keep-alive connection with no request"),
            .integer("GEOFLEET_HTTP_MAX_CONNECTIONS", \.maxConnections, 1...1_000_000, "open API connections; past it a new one is closed"),
            .integer(
                "GEOFLEET_HTTP_MAX_CONNECTIONS_PER_IP", \.maxConnectionsPerIP, 1...1_000_000,
                "open API connections from one address; past it a new one is closed"),
            .integer("GEOFLEET_STREAMS_PER_USER", \.streamsPerUser, 1...1000, "live streams one user may hold open; one more gets 429"),
        ]
    }
}
