import AsyncHTTPClient
import GeoFleetCore

/// One external routing service behind a circuit breaker.
///
/// Every HTTP request (a chunked matrix makes several) asks the breaker first, so a dead service costs
/// callers nothing once the breaker is open, and each request has its own `timeout`. Errors are
/// `ExternalRouterError` (or `CancellationError` if the calling task is cancelled); `.noRoute` and other
/// 4xx answers do not count against the service, timeouts, connection errors, 5xx and 429 do.
public final class ExternalRouter: Sendable {
    private enum Client: Sendable {
        case osrm(OSRMClient)
        case valhalla(ValhallaClient)
    }

    public let kind: ExternalRouterKind
    public let breaker: CircuitBreaker
    private let client: Client

    /// - Parameters:
    ///   - profile: OSRM: the URL's profile, "driving"; Valhalla: the costing, e.g. "truck" or "auto".
    ///   - timeout: per HTTP request, connect to last body byte.
    ///   - matrixChunk: OSRM: coordinates per `/table` call (default 100, osrm-routed's `--max-table-size`);
    ///     Valhalla: sources and targets per `/sources_to_targets` call (default 50). nil: the default.
    ///   - maxSnapMeters: a point further than this from any road has no route (OSRM `radiuses`,
    ///     Valhalla `search_cutoff`); nil: the service's own default (OSRM: unlimited, Valhalla: 35 km).
    public init(
        kind: ExternalRouterKind,
        baseURL: String,
        profile: String,
        httpClient: HTTPClient,
        timeout: Duration = .seconds(2),
        breaker: CircuitBreaker,
        matrixChunk: Int? = nil,
        maxSnapMeters: Double? = OSRMClient.defaultMaxSnapMeters
    ) {
        self.kind = kind
        self.breaker = breaker
        switch kind {
        case .osrm:
            client = .osrm(
                OSRMClient(
                    baseURL: baseURL, profile: profile, httpClient: httpClient, timeout: timeout,
                    breaker: breaker, maxTableLocations: matrixChunk ?? OSRMClient.defaultMaxTableLocations,
                    maxSnapMeters: maxSnapMeters))
        case .valhalla:
            client = .valhalla(
                ValhallaClient(
                    baseURL: baseURL, costing: profile, httpClient: httpClient, timeout: timeout,
                    breaker: breaker, maxMatrixSide: matrixChunk ?? ValhallaClient.defaultMaxMatrixSide,
                    maxSnapMeters: maxSnapMeters))
        }
    }

    /// The configuration the `HTTPClient` handed to external routers should have. AsyncHTTPClient's default
    /// retries a refused connection with backoff until the request's deadline, so a stopped service would
    /// cost every caller the whole `timeout` before the breaker opens; without retries a refused connection
    /// fails at once (a transport failure for the breaker) and callers fall back immediately.
    public static func httpClientConfiguration(timeout: Duration = .seconds(2)) -> HTTPClient.Configuration {
        var pool = HTTPClient.Configuration.ConnectionPool()
        pool.retryConnectionEstablishment = false
        var configuration = HTTPClient.Configuration(connectionPool: pool)
        configuration.timeout.connect = ExternalHTTP.timeAmount(timeout)
        return configuration
    }

    /// Road distance and duration from `from` to `to`.
    public func route(from: GeoPoint, to: GeoPoint) async throws -> ExternalRoute {
        switch client {
        case let .osrm(c): try await c.route(from: from, to: to)
        case let .valhalla(c): try await c.route(from: from, to: to)
        }
    }

    /// The sources × destinations matrix; nil where there is no route.
    public func matrix(sources: [GeoPoint], destinations: [GeoPoint]) async throws -> ExternalMatrix {
        switch client {
        case let .osrm(c): try await c.matrix(sources: sources, destinations: destinations)
        case let .valhalla(c): try await c.matrix(sources: sources, destinations: destinations)
        }
    }
}
