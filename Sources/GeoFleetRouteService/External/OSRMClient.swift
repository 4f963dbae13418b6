import AsyncHTTPClient
import Foundation
import GeoFleetCore

/// A client of OSRM's HTTP API v1 (`osrm-routed`): `/route` for one pair, `/table` for matrices.
/// API: https://project-osrm.org/docs/v5.24.0/api/
public struct OSRMClient: Sendable {
    /// OSRM's default `--max-table-size`: coordinates (sources + destinations) one `/table` call may carry.
    public static let defaultMaxTableLocations = 100
    /// Default snapping radius: a point further than this from any road has no route (see `maxSnapMeters`).
    public static let defaultMaxSnapMeters = 1000.0

    public let baseURL: String
    /// The profile segment of the URL; `osrm-routed` serves the one profile it was built with whatever it says.
    public let profile: String
    /// Coordinates per `/table` call; larger matrices are split into chunks of sources × destinations.
    public let maxTableLocations: Int
    /// Sent as `radiuses`: without it OSRM snaps any point, even one 100 km out at sea, to the nearest
    /// road and answers a route from there. nil: OSRM's default (unlimited).
    public let maxSnapMeters: Double?
    let http: ExternalHTTP

    /// - Parameters:
    ///   - baseURL: e.g. `http://127.0.0.1:5000` (a path prefix is kept).
    ///   - timeout: for each HTTP request (a chunked matrix makes several).
    ///   - breaker: guards each HTTP request; nil: none.
    public init(
        baseURL: String,
        profile: String = "driving",
        httpClient: HTTPClient,
        timeout: Duration = .seconds(2),
        breaker: CircuitBreaker? = nil,
        maxTableLocations: Int = OSRMClient.defaultMaxTableLocations,
        maxSnapMeters: Double? = OSRMClient.defaultMaxSnapMeters
    ) {
        self.baseURL = ExternalHTTP.trimmed(baseURL)
        self.profile = profile
        self.maxTableLocations = max(2, maxTableLocations)
        self.maxSnapMeters = maxSnapMeters
        http = ExternalHTTP(httpClient: httpClient, timeout: timeout, breaker: breaker)
    }

    /// Road distance and duration from `from` to `to` (OSRM's fastest route).
    public func route(from: GeoPoint, to: GeoPoint) async throws -> ExternalRoute {
        try ExternalHTTP.validate([from, to])
        let request = HTTPClientRequest(url: routeURL(from: from, to: to))
        return try await http.exchange(request, decode: Self.decodeRoute)
    }

    /// The sources × destinations matrix, in as many `/table` calls as `maxTableLocations` requires, one after
    /// the other. Unreachable pairs are nil; a point OSRM cannot snap fails the whole matrix (`.noRoute`).
    public func matrix(sources: [GeoPoint], destinations: [GeoPoint]) async throws -> ExternalMatrix {
        try ExternalHTTP.validate(sources)
        try ExternalHTTP.validate(destinations)
        var matrix = ExternalMatrix(rows: sources.count, columns: destinations.count)
        for chunk in Self.chunks(sources: sources.count, destinations: destinations.count, limit: maxTableLocations) {
            let rows = chunk.sources.count
            let columns = chunk.destinations.count
            let request = HTTPClientRequest(
                url: tableURL(
                    sources: Array(sources[chunk.sources]),
                    destinations: Array(destinations[chunk.destinations])))
            let table = try await http.exchange(request) { reply throws(ExternalRouterError) in
                try Self.decodeTable(reply, rows: rows, columns: columns)
            }
            for (i, row) in chunk.sources.enumerated() {
                for (j, column) in chunk.destinations.enumerated() {
                    matrix.distances[row][column] = table.distances[i][j]
                    matrix.durations[row][column] = table.durations[i][j]
                }
            }
        }
        return matrix
    }

    // MARK: - Requests

    func routeURL(from: GeoPoint, to: GeoPoint) -> String {
        var url = "\(baseURL)/route/v1/\(profile)/\(Self.coordinates([from, to]))?overview=false&alternatives=false&steps=false"
        if let radiuses = radiuses(count: 2) { url += "&radiuses=" + radiuses }
        return url
    }

    /// Sources first, then destinations, each sent once; `sources=`/`destinations=` index into that list.
    func tableURL(sources: [GeoPoint], destinations: [GeoPoint]) -> String {
        let s = (0..<sources.count).map(String.init).joined(separator: ";")
        let d = (sources.count..<(sources.count + destinations.count)).map(String.init).joined(separator: ";")
        var url =
            "\(baseURL)/table/v1/\(profile)/\(Self.coordinates(sources + destinations))"
            + "?sources=\(s)&destinations=\(d)&annotations=duration,distance"
        if let radiuses = radiuses(count: sources.count + destinations.count) { url += "&radiuses=" + radiuses }
        return url
    }

    private func radiuses(count: Int) -> String? {
        guard let maxSnapMeters else { return nil }
        let r = String(format: "%.1f", maxSnapMeters)
        return Array(repeating: r, count: count).joined(separator: ";")
    }

    /// `lon,lat;lon,lat` with 6 decimals: OSRM stores coordinates as fixed-point 1e-6 degrees, and
    /// `Double.description` could print exponents (1e-05) that OSRM does not parse.
    static func coordinates(_ points: [GeoPoint]) -> String {
        points.map { String(format: "%.6f,%.6f", $0.longitude, $0.latitude) }.joined(separator: ";")
    }

    /// Splits a matrix so that each call carries at most `limit` coordinates. A short side is sent whole
    /// (1 × 500 becomes 5 calls of 1 + 99, not 10 of 1 + 50).
    static func chunks(sources: Int, destinations: Int, limit: Int) -> [(sources: Range<Int>, destinations: Range<Int>)] {
        guard sources > 0, destinations > 0 else { return [] }
        let limit = max(2, limit)
        let sourceStep: Int
        let destinationStep: Int
        if sources + destinations <= limit {
            (sourceStep, destinationStep) = (sources, destinations)
        } else if sources <= limit / 2 {
            (sourceStep, destinationStep) = (sources, limit - sources)
        } else if destinations <= limit / 2 {
            (sourceStep, destinationStep) = (limit - destinations, destinations)
        } else {
            (sourceStep, destinationStep) = (limit / 2, limit - limit / 2)
        }
        var result: [(sources: Range<Int>, destinations: Range<Int>)] = []
        for s in stride(from: 0, to: sources, by: sourceStep) {
            for d in stride(from: 0, to: destinations, by: destinationStep) {
                result.append((s..<min(s + sourceStep, sources), d..<min(d + destinationStep, destinations)))
            }
        }
        return result
    }

    // MARK: - Responses

    private struct RouteResponse: Decodable {
        struct Route: Decodable {
            var distance: Double
            var duration: Double
        }

        var code: String
        var message: String?
        var routes: [Route]?
    }

    private struct TableResponse: Decodable {
        var code: String
        var message: String?
        var durations: [[Double?]]?
        var distances: [[Double?]]?
    }

    /// Codes that mean "the service is fine, these points just have no route".
    /// https://project-osrm.org/docs/v5.24.0/api/#responses
    static let noRouteCodes: Set<String> = ["NoRoute", "NoSegment", "NoMatch", "NoTable", "NoTrips"]

    static func decodeRoute(_ reply: ExternalHTTP.Reply) throws(ExternalRouterError) -> ExternalRoute {
        let response = try decodeEnvelope(RouteResponse.self, reply, code: \.code, message: \.message)
        guard let route = response.routes?.first else { throw .noRoute("OSRM answered Ok with no route") }
        return ExternalRoute(distanceMeters: route.distance, durationSeconds: route.duration)
    }

    static func decodeTable(_ reply: ExternalHTTP.Reply, rows: Int, columns: Int) throws(ExternalRouterError)
        -> (distances: [[Double?]], durations: [[Double?]])
    {
        let response = try decodeEnvelope(TableResponse.self, reply, code: \.code, message: \.message)
        guard let distances = response.distances, let durations = response.durations,
            distances.count == rows, durations.count == rows,
            distances.allSatisfy({ $0.count == columns }), durations.allSatisfy({ $0.count == columns })
        else {
            throw .badResponse("OSRM table is not \(rows)×\(columns) durations and distances")
        }
        return (distances, durations)
    }

    /// OSRM answers errors as `{"code": "NoSegment", "message": "..."}` (HTTP 400): no-route codes become
    /// `.noRoute`, the others (InvalidQuery, TooBig, ...) `.badResponse`, both with OSRM's message.
    private static func decodeEnvelope<T: Decodable>(
        _ type: T.Type, _ reply: ExternalHTTP.Reply,
        code: KeyPath<T, String>, message: KeyPath<T, String?>
    )
        throws(ExternalRouterError) -> T
    {
        let response: T
        do {
            response = try ExternalHTTP.decodeJSON(type, from: reply)
        } catch {
            // Not OSRM's JSON: a proxy's error page, or something else on that port.
            if !(200..<300).contains(reply.status) { throw .http(status: reply.status, body: reply.snippet) }
            throw error
        }
        let code = response[keyPath: code]
        guard code == "Ok" else {
            let text = "\(code): \(response[keyPath: message] ?? "")"
            throw noRouteCodes.contains(code) ? .noRoute(text) : .badResponse(text)
        }
        return response
    }
}
