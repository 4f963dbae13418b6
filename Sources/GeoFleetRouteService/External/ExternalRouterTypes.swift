/// Road distance and duration of one route, in metres and seconds, as the external router answered it.
public struct ExternalRoute: Sendable, Equatable {
    public var distanceMeters: Double
    public var durationSeconds: Double

    public init(distanceMeters: Double, durationSeconds: Double) {
        self.distanceMeters = distanceMeters
        self.durationSeconds = durationSeconds
    }
}

/// A sources × destinations matrix in metres and seconds; nil where the router found no route.
public struct ExternalMatrix: Sendable, Equatable {
    /// `distances[i][j]`: from source i to destination j, in metres.
    public var distances: [[Double?]]
    /// `durations[i][j]`: from source i to destination j, in seconds.
    public var durations: [[Double?]]

    public init(distances: [[Double?]], durations: [[Double?]]) {
        self.distances = distances
        self.durations = durations
    }

    /// An all-nil matrix of the given shape, filled in chunk by chunk.
    init(rows: Int, columns: Int) {
        distances = Array(repeating: Array(repeating: nil, count: columns), count: rows)
        durations = distances
    }
}

/// Which external routing service an `ExternalRouter` talks to.
public enum ExternalRouterKind: String, Sendable {
    case osrm, valhalla
}

/// Why an external router gave no answer.
public enum ExternalRouterError: Error, CustomStringConvertible, Equatable {
    /// No complete answer within the configured timeout (connect, send, head and body together).
    case timeout
    /// The circuit breaker is open: the call was refused without touching the network.
    case breakerOpen
    /// An HTTP status the client does not understand as an answer, with (the start of) the body.
    case http(status: Int, body: String)
    /// The service is healthy but has no route: a point too far from any road, or unconnected points.
    case noRoute(String)
    /// The service answered something that is not the documented shape, or refused the request as invalid.
    case badResponse(String)
    /// No HTTP answer at all: connection refused or reset, DNS, TLS.
    case transport(String)

    public var description: String {
        switch self {
        case .timeout: "external router timed out"
        case .breakerOpen: "external router circuit breaker is open"
        case let .http(status, body): "external router answered HTTP \(status): \(body)"
        case let .noRoute(message): "external router found no route: \(message)"
        case let .badResponse(message): "external router answered badly: \(message)"
        case let .transport(message): "external router unreachable: \(message)"
        }
    }
}
