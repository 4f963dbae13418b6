/// Timeouts and caps of the API's listener: what a client may hold without sending a whole request.
public struct APIServerLimits: Sendable, Equatable {
    /// From connect to the end of the first request's head (`GEOFLEET_HTTP_HEADER_TIMEOUT_SECONDS`).
    public var headerTimeoutSeconds: Int = 10
    /// From a request's head to its last body byte (`GEOFLEET_HTTP_BODY_TIMEOUT_SECONDS`).
    public var bodyTimeoutSeconds: Int = 30
    /// A keep-alive connection with no request in flight (`GEOFLEET_HTTP_IDLE_TIMEOUT_SECONDS`).
    public var idleTimeoutSeconds: Int = 60
    /// Open connections in all; past it new ones are closed (`GEOFLEET_HTTP_MAX_CONNECTIONS`).
    public var maxConnections: Int = 10_000
    /// Open connections from one address; past it new ones are closed (`GEOFLEET_HTTP_MAX_CONNECTIONS_PER_IP`).
    public var maxConnectionsPerIP: Int = 256
    /// Live streams one user may hold (`GEOFLEET_STREAMS_PER_USER`).
    public var streamsPerUser: Int = 8

    public init() {}
}
