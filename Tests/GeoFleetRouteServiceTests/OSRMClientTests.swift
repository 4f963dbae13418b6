import AsyncHTTPClient
import Foundation
import GeoFleetCore
import GeoFleetPlatform
@testable import GeoFleetRouteService
import GeoFleetTestSupport
import MetricsTestKit
import Testing

/// OSRMClient against a real osrm-routed on the Monaco extract.
@Suite struct OSRMClientTests {
    static func startServer() async throws -> OSRMServerProcess {
        try await OSRMServerProcess.start(pbf: try OSRMServerProcess.osmFixture())
    }

    static func router(_ server: OSRMServerProcess, metrics: TestMetrics = TestMetrics()) -> ExternalRouter {
        ExternalRouter(
            kind: .osrm, baseURL: server.baseURL, profile: "driving", httpClient: testHTTPClient, timeout: testPatience,
            breaker: CircuitBreaker(provider: "osrm", metricsFactory: metrics))
    }

    @Test func routeEqualsOSRMsOwnAnswer() async throws {
        let server = try await Self.startServer()
        let route = try await Self.router(server).route(from: monacoRocher, to: monacoCasino)
        // The same query, typed by hand and read over a raw socket.
        let raw = try await Blocking.run {
            try server.get(
                "/route/v1/driving/7.419700,43.731100;7.427500,43.739600?overview=false&alternatives=false&steps=false&radiuses=1000.0;1000.0")
        }
        #expect(raw.status == 200)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(raw.body.utf8)) as? [String: Any])
        #expect(json["code"] as? String == "Ok")
        let first = try #require((json["routes"] as? [[String: Any]])?.first)
        let distance = try #require((first["distance"] as? NSNumber)?.doubleValue)
        let duration = try #require((first["duration"] as? NSNumber)?.doubleValue)
        #expect(route.distanceMeters > 0)
        #expect(abs(route.distanceMeters - distance) <= 1)
        #expect(abs(route.durationSeconds - duration) <= 1)
        // About 1.2 km apart as the crow flies: the road distance is longer, but not wildly.
        #expect((1000...3000).contains(route.distanceMeters))
        #expect((60...600).contains(route.durationSeconds))
    }

    @Test func aMatrixEqualsTheRoutesOfItsCells() async throws {
        let server = try await Self.startServer()
        let router = Self.router(server)
        let points = monacoGrid(7, columns: 7)
        let sources = Array(points[0..<3]), destinations = Array(points[3..<7])
        let matrix = try await router.matrix(sources: sources, destinations: destinations)
        #expect(matrix.distances.count == 3 && matrix.durations.count == 3)
        for i in 0..<3 {
            for j in 0..<4 {
                let route = try await router.route(from: sources[i], to: destinations[j])
                let distance = try #require(matrix.distances[i][j]), duration = try #require(matrix.durations[i][j])
                #expect(abs(distance - route.distanceMeters) <= 1, "distance \(i)→\(j)")
                #expect(abs(duration - route.durationSeconds) <= 1, "duration \(i)→\(j)")
            }
        }
    }

    @Test func a150x150MatrixIsChunkedAndMatchesSpotChecks() async throws {
        let server = try await Self.startServer()
        let metrics = TestMetrics()
        let router = Self.router(server, metrics: metrics)
        let points = monacoGrid(150)
        let started = ContinuousClock.now
        let matrix = try await router.matrix(sources: points, destinations: points)
        let elapsed = ContinuousClock.now - started
        #expect(matrix.distances.count == 150 && matrix.distances.allSatisfy { $0.count == 150 })
        #expect(matrix.durations.count == 150 && matrix.durations.allSatisfy { $0.count == 150 })
        // 100 coordinates per call: 50 sources × 50 destinations, 3 × 3 calls.
        let calls = metrics.counterTotal(label: CircuitBreaker.requestsCounterLabel, dimensions: [("provider", "osrm"), ("result", "ok")])
        #expect(calls == 9)
        for i in 0..<150 { #expect(matrix.distances[i][i] == 0) }
        let filled = matrix.distances.joined().filter { $0 != nil }.count
        #expect(filled > 150 * 150 * 9 / 10, "most of Monaco is one connected network")
        // Fixed pairs across all nine chunks (rows and columns 0–49, 50–99, 100–149), both directions.
        let pairs = [(0, 149), (149, 0), (7, 93), (93, 7), (49, 50), (50, 49), (99, 100), (120, 3), (33, 66), (140, 110), (75, 75), (12, 130)]
        for (i, j) in pairs {
            do {
                let route = try await router.route(from: points[i], to: points[j])
                let distance = try #require(matrix.distances[i][j]), duration = try #require(matrix.durations[i][j])
                #expect(abs(distance - route.distanceMeters) <= 1, "distance \(i)→\(j)")
                #expect(abs(duration - route.durationSeconds) <= 1, "duration \(i)→\(j)")
            } catch ExternalRouterError.noRoute {
                #expect(matrix.distances[i][j] == nil && matrix.durations[i][j] == nil, "\(i)→\(j) has no route")
            }
        }
        print("150×150 OSRM matrix in 9 calls: \(elapsed)")
    }

    @Test func aPointFarOutAtSeaHasNoRoute() async throws {
        let server = try await Self.startServer()
        let router = Self.router(server)
        // With the 1 km snapping radius OSRM answers 400 NoSegment, which is an answer: the breaker stays closed.
        await #expect {
            _ = try await router.route(from: monacoRocher, to: openSea)
        } throws: { error in
            guard case let .noRoute(message) = error as? ExternalRouterError else { return false }
            return message.hasPrefix("NoSegment")
        }
        await #expect {
            _ = try await router.matrix(sources: [monacoRocher], destinations: [monacoCasino, openSea])
        } throws: { error in
            guard case .noRoute = error as? ExternalRouterError else { return false }
            return true
        }
        #expect(router.breaker.state == .closed && router.breaker.consecutiveFailures == 0)
        // Without a radius OSRM snaps the sea point ~117 km to the nearest Monaco road and answers a
        // route: that is why the client sends `radiuses` by default.
        let unlimited = OSRMClient(baseURL: server.baseURL, httpClient: testHTTPClient, timeout: testPatience, maxSnapMeters: nil)
        let snapped = try await unlimited.route(from: monacoRocher, to: openSea)
        #expect(snapped.distanceMeters > 0 && snapped.distanceMeters < 20_000)
    }

    @Test func invalidCoordinatesAreRefusedLocally() async throws {
        let client = OSRMClient(baseURL: "http://127.0.0.1:9", httpClient: testHTTPClient)
        await #expect(throws: ExternalRouterError.self) {
            _ = try await client.route(from: GeoPoint(latitude: .nan, longitude: 7), to: monacoCasino)
        }
        await #expect(throws: ExternalRouterError.self) {
            _ = try await client.matrix(sources: [GeoPoint(latitude: 95, longitude: 7)], destinations: [monacoCasino])
        }
    }

    @Test func emptyMatricesMakeNoCall() async throws {
        let client = OSRMClient(baseURL: "http://127.0.0.1:9", httpClient: testHTTPClient)
        let m = try await client.matrix(sources: [], destinations: [monacoCasino])
        #expect(m.distances.isEmpty && m.durations.isEmpty)
        let n = try await client.matrix(sources: [monacoCasino], destinations: [])
        #expect(n.distances == [[]] && n.durations == [[]])
    }

    @Test func urlsAreWhatOSRMDocuments() {
        let client = OSRMClient(baseURL: "http://osrm:5000/", httpClient: testHTTPClient, maxSnapMeters: 250)
        #expect(
            client.routeURL(from: monacoRocher, to: monacoCasino)
                == "http://osrm:5000/route/v1/driving/7.419700,43.731100;7.427500,43.739600?overview=false&alternatives=false&steps=false&radiuses=250.0;250.0"
        )
        #expect(
            client.tableURL(sources: [monacoRocher], destinations: [monacoCasino, openSea])
                == "http://osrm:5000/table/v1/driving/7.419700,43.731100;7.427500,43.739600;8.500000,43.000000?sources=0&destinations=1;2&annotations=duration,distance&radiuses=250.0;250.0;250.0"
        )
        let tiny = GeoPoint(latitude: 0.00001, longitude: -0.00001)
        #expect(OSRMClient.coordinates([tiny]) == "-0.000010,0.000010")
    }

    @Test func chunksKeepEachCallWithinTheLimit() {
        func check(_ s: Int, _ d: Int, _ limit: Int, calls: Int) {
            let chunks = OSRMClient.chunks(sources: s, destinations: d, limit: limit)
            #expect(chunks.count == calls, "\(s)×\(d) / \(limit)")
            #expect(chunks.allSatisfy { $0.sources.count + $0.destinations.count <= limit })
            var covered = Array(repeating: Array(repeating: 0, count: d), count: s)
            for c in chunks { for i in c.sources { for j in c.destinations { covered[i][j] += 1 } } }
            #expect(covered.allSatisfy { $0.allSatisfy { $0 == 1 } }, "every cell exactly once")
        }
        check(3, 4, 100, calls: 1)
        check(50, 50, 100, calls: 1)
        check(150, 150, 100, calls: 9)
        check(1, 500, 100, calls: 6) // 1 + 99 per call
        check(500, 1, 100, calls: 6)
        check(30, 300, 100, calls: 5) // 30 + 70
        check(101, 1, 100, calls: 2)
        check(7, 9, 2, calls: 63)
        #expect(OSRMClient.chunks(sources: 0, destinations: 5, limit: 100).isEmpty)
    }
}
