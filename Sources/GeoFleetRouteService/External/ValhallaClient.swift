import AsyncHTTPClient
import Foundation
import GeoFleetCore
import NIOCore
import NIOHTTP1

/// A client of Valhalla's HTTP API: `POST /route` for one pair, `POST /sources_to_targets` for matrices.
/// API: https://valhalla.github.io/valhalla/api/turn-by-turn/api-reference/ and
/// https://valhalla.github.io/valhalla/api/matrix/api-reference/
public struct ValhallaClient: Sendable {
    /// Sources and targets per `/sources_to_targets` call: 50 × 50 = Valhalla's default `max_matrix_location_pairs` (2500).
    public static let defaultMaxMatrixSide = 50

    public let baseURL: String
    /// The costing model, e.g. "truck" or "auto"; Valhalla applies it per request on the same tiles.
    public let costing: String
    /// Sources per call and targets per call; larger matrices are split.
    public let maxMatrixSide: Int
    /// Sent as each location's `search_cutoff` (Valhalla's default is 35 km); nil: not sent.
    public let maxSnapMeters: Double?
    let http: ExternalHTTP

    /// - Parameters:
    ///   - baseURL: e.g. `http://127.0.0.1:8002` (a path prefix is kept).
    ///   - timeout: for each HTTP request (a chunked matrix makes several).
    ///   - breaker: guards each HTTP request; nil: none.
    public init(
        baseURL: String,
        costing: String = "truck",
        httpClient: HTTPClient,
        timeout: Duration = .seconds(2),
        breaker: CircuitBreaker? = nil,
        maxMatrixSide: Int = ValhallaClient.defaultMaxMatrixSide,
        maxSnapMeters: Double? = OSRMClient.defaultMaxSnapMeters
    ) {
        self.baseURL = ExternalHTTP.trimmed(baseURL)
        self.costing = costing
        self.maxMatrixSide = max(1, maxMatrixSide)
        self.maxSnapMeters = maxSnapMeters
        http = ExternalHTTP(httpClient: httpClient, timeout: timeout, breaker: breaker)
    }

    /// Road distance and duration from `from` to `to` under the costing model.
    public func route(from: GeoPoint, to: GeoPoint) async throws -> ExternalRoute {
        try ExternalHTTP.validate([from, to])
        let request = try post("/route", RouteRequest(locations: [location(from), location(to)], costing: costing))
        return try await http.exchange(request, decode: Self.decodeRoute)
    }

    /// The sources × destinations matrix in chunks of at most `maxMatrixSide` × `maxMatrixSide`, one call
    /// after the other. Unreachable pairs are nil; a point Valhalla cannot snap fails the whole matrix.
    public func matrix(sources: [GeoPoint], destinations: [GeoPoint]) async throws -> ExternalMatrix {
        try ExternalHTTP.validate(sources)
        try ExternalHTTP.validate(destinations)
        var matrix = ExternalMatrix(rows: sources.count, columns: destinations.count)
        for s in stride(from: 0, to: sources.count, by: maxMatrixSide) {
            let rowRange = s..<min(s + maxMatrixSide, sources.count)
            for d in stride(from: 0, to: destinations.count, by: maxMatrixSide) {
                let columnRange = d..<min(d + maxMatrixSide, destinations.count)
                let body = MatrixRequest(
                    sources: sources[rowRange].map(location),
                    targets: destinations[columnRange].map(location), costing: costing)
                let rows = rowRange.count
                let columns = columnRange.count
                let table = try await http.exchange(try post("/sources_to_targets", body)) { reply throws(ExternalRouterError) in
                    try Self.decodeMatrix(reply, rows: rows, columns: columns)
                }
                for (i, row) in rowRange.enumerated() {
                    for (j, column) in columnRange.enumerated() {
                        matrix.distances[row][column] = table.distances[i][j]
                        matrix.durations[row][column] = table.durations[i][j]
                    }
                }
            }
        }
        return matrix
    }

    // MARK: - Requests

    struct Location: Codable, Equatable {
        var lat: Double
        var lon: Double
        /// Metres, an integer in Valhalla's reference.
        var search_cutoff: Int?
    }

    struct RouteRequest: Codable {
        var locations: [Location]
        var costing: String
        var units = "kilometers"
        /// No maneuvers or narrative: only the summary is read.
        var directions_type = "none"
    }

    struct MatrixRequest: Codable {
        var sources: [Location]
        var targets: [Location]
        var costing: String
        var units = "kilometers"
    }

    private func location(_ point: GeoPoint) -> Location {
        Location(lat: point.latitude, lon: point.longitude, search_cutoff: maxSnapMeters.map { Int($0.rounded()) })
    }

    private func post(_ path: String, _ body: some Encodable) throws(ExternalRouterError) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        do {
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        } catch {
            throw .badResponse("cannot encode the request: \(error)")
        }
        return request
    }

    // MARK: - Responses

    private struct RouteResponse: Decodable {
        struct Trip: Decodable {
            struct Summary: Decodable {
                var length: Double
                var time: Double
            }

            var summary: Summary
            var units: String?
        }

        var trip: Trip
    }

    /// One verbose cell; `distance`/`time` are null (or absent) when the target cannot be reached.
    private struct Cell: Decodable {
        var distance: Double?
        var time: Double?
    }

    /// Verbose (default): rows of cells. Concise (`verbose: false`, Valhalla ≥ 3.5): two arrays of arrays.
    private enum SourcesToTargets: Decodable {
        case verbose([[Cell]])
        case concise(distances: [[Double?]], durations: [[Double?]])

        private struct Concise: Decodable {
            var distances: [[Double?]]
            var durations: [[Double?]]
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let rows = try? container.decode([[Cell]].self) {
                self = .verbose(rows)
            } else {
                let concise = try container.decode(Concise.self)
                self = .concise(distances: concise.distances, durations: concise.durations)
            }
        }
    }

    private struct MatrixResponse: Decodable {
        var sources_to_targets: SourcesToTargets
        var units: String?
    }

    private struct ErrorResponse: Decodable {
        var error_code: Int?
        var error: String?
        var status_code: Int?
    }

    /// Valhalla's error codes that mean "healthy, but no route for these points":
    /// 170 unconnected regions, 171 no suitable edges near location, 441 location unreachable,
    /// 442 no path could be found, 443 exact route match failed. (Turn-by-turn API reference,
    /// "Internal error codes and conditions".)
    static let noRouteCodes: Set<Int> = [170, 171, 441, 442, 443]

    static func decodeRoute(_ reply: ExternalHTTP.Reply) throws(ExternalRouterError) -> ExternalRoute {
        try throwIfError(reply)
        let response = try ExternalHTTP.decodeJSON(RouteResponse.self, from: reply)
        let metres = metresPerUnit(response.trip.units)
        return ExternalRoute(
            distanceMeters: response.trip.summary.length * metres,
            durationSeconds: response.trip.summary.time)
    }

    static func decodeMatrix(_ reply: ExternalHTTP.Reply, rows: Int, columns: Int) throws(ExternalRouterError)
        -> (distances: [[Double?]], durations: [[Double?]])
    {
        try throwIfError(reply)
        let response = try ExternalHTTP.decodeJSON(MatrixResponse.self, from: reply)
        let metres = metresPerUnit(response.units)
        let distances: [[Double?]]
        let durations: [[Double?]]
        switch response.sources_to_targets {
        case let .verbose(cells):
            distances = cells.map { $0.map { $0.distance.map { $0 * metres } } }
            durations = cells.map { $0.map(\.time) }
        case let .concise(d, t):
            distances = d.map { $0.map { $0.map { $0 * metres } } }
            durations = t
        }
        guard distances.count == rows, durations.count == rows,
            distances.allSatisfy({ $0.count == columns }), durations.allSatisfy({ $0.count == columns })
        else {
            throw .badResponse("Valhalla matrix is not \(rows)×\(columns)")
        }
        return (distances, durations)
    }

    /// Non-2xx: Valhalla's `{"error_code": 442, "error": "...", "status_code": 400}`, or someone else's page.
    private static func throwIfError(_ reply: ExternalHTTP.Reply) throws(ExternalRouterError) {
        guard !(200..<300).contains(reply.status) else { return }
        guard let error = try? ExternalHTTP.decodeJSON(ErrorResponse.self, from: reply), let code = error.error_code else {
            throw .http(status: reply.status, body: reply.snippet)
        }
        let text = "\(code): \(error.error ?? "")"
        throw noRouteCodes.contains(code) ? .noRoute(text) : .badResponse(text)
    }

    /// Lengths come in the units asked for (kilometres), or miles if a server insists.
    private static func metresPerUnit(_ units: String?) -> Double {
        switch units {
        case "miles", "mi": 1609.344
        default: 1000
        }
    }
}
