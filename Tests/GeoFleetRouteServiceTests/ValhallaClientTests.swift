import AsyncHTTPClient
import Foundation
import GeoFleetCore
import GeoFleetRouteService
import MetricsTestKit
import Testing

/// ValhallaClient's requests and its reading of answers, against a canned local server (no Valhalla runs
/// here). The canned bodies follow Valhalla's API reference:
/// - route: https://valhalla.github.io/valhalla/api/turn-by-turn/api-reference/ ("Outputs of a route": `trip`,
///   `trip.summary.length` in the requested units, `trip.summary.time` in seconds; "HTTP status codes and
///   conditions" and "Internal error codes and conditions" for the error bodies)
/// - matrix: https://valhalla.github.io/valhalla/api/matrix/api-reference/ ("Outputs of the matrix service":
///   row-ordered `sources_to_targets` with `distance`, `time`, `from_index`, `to_index`; the concise form
///   `{"durations": [[...]], "distances": [[...]]}` is docs/docs/api/examples/sources_to_targets.json)
@Suite struct ValhallaClientTests {
    static let routeAnswer = #"""
        {"trip":{"locations":[{"type":"break","lat":43.7311,"lon":7.4197,"original_index":0},{"type":"break","lat":43.7396,"lon":7.4275,"original_index":1}],
         "legs":[{"summary":{"has_time_restrictions":false,"has_toll":false,"has_highway":false,"has_ferry":false,"min_lat":43.7311,"min_lon":7.4197,"max_lat":43.7396,"max_lon":7.4275,"time":125.531,"length":1.468,"cost":181.04},"shape":"kbbtrAwkvcM"}],
         "summary":{"has_time_restrictions":false,"has_toll":false,"has_highway":false,"has_ferry":false,"min_lat":43.7311,"min_lon":7.4197,"max_lat":43.7396,"max_lon":7.4275,"time":125.531,"length":1.468,"cost":181.04},
         "status_message":"Found route between points","status":0,"units":"kilometers","language":"en-US"}}
        """#

    static func router(_ server: CannedHTTPServer, costing: String = "truck", breaker: CircuitBreaker? = nil) -> ExternalRouter {
        ExternalRouter(
            kind: .valhalla, baseURL: server.baseURL + "/", profile: costing, httpClient: testHTTPClient,
            timeout: testPatience, breaker: breaker ?? CircuitBreaker(provider: "valhalla", metricsFactory: TestMetrics()))
    }

    @Test func routeRequestAndAnswer() async throws {
        let server = try await CannedHTTPServer { _ in .json(status: 200, Self.routeAnswer) }
        let route = try await Self.router(server).route(from: monacoRocher, to: monacoCasino)
        #expect(abs(route.distanceMeters - 1468) < 1e-9)
        #expect(route.durationSeconds == 125.531)

        let request = try #require(server.requests.first)
        #expect(request.method == "POST" && request.uri == "/route")
        #expect(request.contentType == "application/json")
        let body = try request.json()
        #expect(body["costing"] as? String == "truck")
        #expect(body["units"] as? String == "kilometers")
        #expect(body["directions_type"] as? String == "none")
        let locations = try #require(body["locations"] as? [[String: Any]])
        #expect(locations.count == 2)
        #expect((locations[0]["lat"] as? NSNumber)?.doubleValue == 43.7311)
        #expect((locations[0]["lon"] as? NSNumber)?.doubleValue == 7.4197)
        #expect((locations[1]["lat"] as? NSNumber)?.doubleValue == 43.7396)
        #expect((locations[1]["lon"] as? NSNumber)?.doubleValue == 7.4275)
        #expect((locations[0]["search_cutoff"] as? NSNumber)?.intValue == 1000)
        await server.shutdown()
    }

    @Test func lengthsInMilesAreConverted() async throws {
        let answer = #"{"trip":{"summary":{"time":60,"length":1.0},"status":0,"units":"miles"}}"#
        let server = try await CannedHTTPServer { _ in .json(status: 200, answer) }
        let route = try await Self.router(server, costing: "auto").route(from: monacoRocher, to: monacoCasino)
        #expect(abs(route.distanceMeters - 1609.344) < 1e-9 && route.durationSeconds == 60)
        await server.shutdown()
    }

    /// Sources at latitude 40 + i/1000, destinations at longitude 7 + j/1000: the canned server answers
    /// distance (i·1000 + j) m and time i + j s, and no route where i == j, so the assembled matrix shows
    /// whether every chunk landed in its place.
    static func indexedMatrixServer(concise: Bool = false) async throws -> CannedHTTPServer {
        try await CannedHTTPServer { request in
            guard request.uri == "/sources_to_targets", let body = try? request.json(),
                let sources = body["sources"] as? [[String: Any]], let targets = body["targets"] as? [[String: Any]]
            else {
                return .json(status: 400, #"{"error_code":100,"error":"Failed to parse json request","status_code":400,"status":"Bad Request"}"#)
            }
            let rows = sources.map { Int((((($0["lat"] as? NSNumber)?.doubleValue ?? 0) - 40) * 1000).rounded()) }
            let columns = targets.map { Int((((($0["lon"] as? NSNumber)?.doubleValue ?? 0) - 7) * 1000).rounded()) }
            func km(_ i: Int, _ j: Int) -> String { i == j ? "null" : String(Double(i * 1000 + j) / 1000) }
            func s(_ i: Int, _ j: Int) -> String { i == j ? "null" : String(i + j) }
            if concise {
                let d = rows.map { i in "[" + columns.map { j in km(i, j) }.joined(separator: ",") + "]" }.joined(separator: ",")
                let t = rows.map { i in "[" + columns.map { j in s(i, j) }.joined(separator: ",") + "]" }.joined(separator: ",")
                return .json(
                    status: 200, #"{"sources_to_targets":{"durations":[\#(t)],"distances":[\#(d)]},"units":"kilometers","algorithm":"costmatrix"}"#)
            }
            let cells = rows.enumerated().map { r, i in
                "["
                    + columns.enumerated().map { c, j in
                        #"{"distance":\#(km(i, j)),"time":\#(s(i, j)),"to_index":\#(c),"from_index":\#(r)}"#
                    }.joined(separator: ",") + "]"
            }.joined(separator: ",")
            return .json(status: 200, #"{"sources_to_targets":[\#(cells)],"units":"kilometers","algorithm":"costmatrix"}"#)
        }
    }

    static func checkIndexed(_ m: ExternalMatrix, rows: Int, columns: Int) {
        #expect(m.distances.count == rows && m.durations.count == rows)
        for i in 0..<rows {
            #expect(m.distances[i].count == columns && m.durations[i].count == columns)
            for j in 0..<columns {
                if i == j {
                    #expect(m.distances[i][j] == nil && m.durations[i][j] == nil)
                } else {
                    #expect(abs((m.distances[i][j] ?? -1) - Double(i * 1000 + j)) < 1e-6, "\(i)→\(j)")
                    #expect(m.durations[i][j] == Double(i + j), "\(i)→\(j)")
                }
            }
        }
    }

    static let sources = (0..<60).map { GeoPoint(latitude: 40 + Double($0) / 1000, longitude: 7) }
    static let destinations = (0..<70).map { GeoPoint(latitude: 41, longitude: 7 + Double($0) / 1000) }

    @Test func matrixIsChunkedInto50x50AndAssembled() async throws {
        let server = try await Self.indexedMatrixServer()
        let matrix = try await Self.router(server).matrix(sources: Self.sources, destinations: Self.destinations)
        Self.checkIndexed(matrix, rows: 60, columns: 70)
        let requests = server.requests
        #expect(requests.count == 4) // 60 × 70 in 50 × 50 chunks: 2 × 2
        for request in requests {
            let body = try request.json()
            #expect(request.method == "POST" && request.uri == "/sources_to_targets")
            #expect(body["costing"] as? String == "truck" && body["units"] as? String == "kilometers")
            #expect(((body["sources"] as? [Any])?.count ?? 0) <= 50 && ((body["targets"] as? [Any])?.count ?? 0) <= 50)
        }
        await server.shutdown()
    }

    @Test func theConciseMatrixFormIsReadToo() async throws {
        let server = try await Self.indexedMatrixServer(concise: true)
        let matrix = try await Self.router(server).matrix(sources: Array(Self.sources.prefix(3)), destinations: Array(Self.destinations.prefix(4)))
        Self.checkIndexed(matrix, rows: 3, columns: 4)
        #expect(server.requests.count == 1)
        await server.shutdown()
    }

    @Test func noRouteAnswersAreHealthyAndOtherErrorsAreNot() async throws {
        let server = try await CannedHTTPServer { request in
            let body = (try? request.json()) ?? [:]
            let lat = ((body["locations"] as? [[String: Any]])?.last?["lat"] as? NSNumber)?.doubleValue ?? 0
            switch lat {
            case 1:
                return .json(status: 400, #"{"error_code":442,"error":"No path could be found for input","status_code":400,"status":"Bad Request"}"#)
            case 2:
                return .json(status: 400, #"{"error_code":171,"error":"No suitable edges near location","status_code":400,"status":"Bad Request"}"#)
            case 3:
                return .json(
                    status: 400, #"{"error_code":125,"error":"No costing method found for 'lorry'","status_code":400,"status":"Bad Request"}"#)
            case 4:
                return .json(
                    status: 500, #"{"error_code":201,"error":"Failed to parse TripPath","status_code":500,"status":"Internal Server Error"}"#)
            default: return .json(status: 200, Self.routeAnswer)
            }
        }
        let breaker = CircuitBreaker(provider: "valhalla", failureThreshold: 2, metricsFactory: TestMetrics())
        let router = Self.router(server, breaker: breaker)
        let to = { (lat: Double) in GeoPoint(latitude: lat, longitude: 7) }

        await #expect(throws: ExternalRouterError.noRoute("442: No path could be found for input")) {
            _ = try await router.route(from: monacoRocher, to: to(1))
        }
        await #expect(throws: ExternalRouterError.noRoute("171: No suitable edges near location")) {
            _ = try await router.route(from: monacoRocher, to: to(2))
        }
        await #expect(throws: ExternalRouterError.badResponse("125: No costing method found for 'lorry'")) {
            _ = try await router.route(from: monacoRocher, to: to(3))
        }
        #expect(breaker.state == .closed && breaker.consecutiveFailures == 0)
        await #expect {
            _ = try await router.route(from: monacoRocher, to: to(4))
        } throws: { error in
            guard case .http(500, let body) = error as? ExternalRouterError else { return false }
            return body.contains("Failed to parse TripPath")
        }
        #expect(breaker.consecutiveFailures == 1)
        _ = try await router.route(from: monacoRocher, to: monacoCasino)
        #expect(breaker.consecutiveFailures == 0)
        await server.shutdown()
    }

    @Test func aMatrixWithTheWrongShapeIsABadResponse() async throws {
        let server = try await CannedHTTPServer { _ in
            .json(status: 200, #"{"sources_to_targets":[[{"distance":1.0,"time":60,"to_index":0,"from_index":0}]],"units":"kilometers"}"#)
        }
        await #expect {
            _ = try await Self.router(server).matrix(sources: [monacoRocher], destinations: [monacoCasino, monacoRocher])
        } throws: { error in
            guard case .badResponse = error as? ExternalRouterError else { return false }
            return true
        }
        await server.shutdown()
    }
}
