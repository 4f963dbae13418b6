import AsyncHTTPClient
import GeoFleetCore
import GeoFleetRouteService
import GeoFleetTestSupport
import MetricsTestKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What callers see when the external router dies, hangs or misbehaves.
@Suite struct ExternalRouterFailureTests {
    @Test func breakerOpensOnACrashedOSRMAndClosesAfterItRestarts() async throws {
        let server = try await OSRMServerProcess.start(pbf: try OSRMServerProcess.osmFixture())
        let metrics = TestMetrics()
        let breaker = CircuitBreaker(provider: "osrm", failureThreshold: 5, cooldown: .milliseconds(500), metricsFactory: metrics)
        let router = ExternalRouter(kind: .osrm, baseURL: server.baseURL, profile: "driving", httpClient: testHTTPClient, breaker: breaker)
        func count(_ result: String) -> Int64 {
            metrics.counterTotal(label: CircuitBreaker.requestsCounterLabel, dimensions: [("provider", "osrm"), ("result", result)])
        }

        let before = try await router.route(from: monacoRocher, to: monacoCasino)
        #expect(before.distanceMeters > 0)

        await server.stop(signal: SIGKILL)
        for attempt in 1...5 {
            #expect(breaker.state == .closed, "still closed before failure \(attempt)")
            await #expect {
                _ = try await router.route(from: monacoRocher, to: monacoCasino)
            } throws: { error in
                guard case .transport = error as? ExternalRouterError else { return false }
                return true
            }
        }
        #expect(breaker.state == .open)
        #expect(try metrics.expectGauge(CircuitBreaker.openGaugeLabel, [("provider", "osrm")]).lastValue == 1)
        #expect(count("transport") == 5)

        // Open: refused without touching the network.
        let transportBefore = count("transport")
        await #expect(throws: ExternalRouterError.breakerOpen) {
            _ = try await router.route(from: monacoRocher, to: monacoCasino)
        }
        #expect(count("transport") == transportBefore)
        await #expect(throws: ExternalRouterError.breakerOpen) {
            _ = try await router.matrix(sources: [monacoRocher], destinations: [monacoCasino])
        }
        #expect(count(CircuitBreaker.breakerOpenResult) == 2)

        try await server.restart()
        try await Task.sleep(for: .milliseconds(550))
        #expect(breaker.state == .halfOpen)
        let trial = try await router.route(from: monacoRocher, to: monacoCasino)
        #expect(trial == before)
        #expect(breaker.state == .closed)
        #expect(try metrics.expectGauge(CircuitBreaker.openGaugeLabel, [("provider", "osrm")]).lastValue == 0)
        #expect(count("ok") == 2)
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        let listener = try BlackHoleListener()
        let breaker = CircuitBreaker(provider: "osrm", metricsFactory: TestMetrics())
        let router = ExternalRouter(
            kind: .osrm, baseURL: "http://127.0.0.1:\(listener.port)", profile: "driving",
            httpClient: testHTTPClient, timeout: .milliseconds(300), breaker: breaker)
        let started = ContinuousClock.now
        await #expect(throws: ExternalRouterError.timeout) {
            _ = try await router.route(from: monacoRocher, to: monacoCasino)
        }
        let elapsed = ContinuousClock.now - started
        // It waited for the timeout (no upper bound: other suites load the cores, and speed lives in benchmarks).
        #expect(elapsed >= .milliseconds(290), "took \(elapsed)")
        // One timeout opens the breaker: the next caller does not wait another 300 ms.
        #expect(breaker.state == .open)
        await #expect(throws: ExternalRouterError.breakerOpen) {
            _ = try await router.route(from: monacoRocher, to: monacoCasino)
        }
    }

    @Test func aBodyThatStallsAfterTheHeadTimesOutToo() async throws {
        let server = try await CannedHTTPServer { _ in .headThenStall }
        let client = OSRMClient(baseURL: server.baseURL, httpClient: testHTTPClient, timeout: .milliseconds(300))
        await #expect(throws: ExternalRouterError.timeout) {
            _ = try await client.route(from: monacoRocher, to: monacoCasino)
        }
        await server.shutdown()
    }

    @Test func proxyErrorsCountAgainstTheServiceButRefusalsDoNot() async throws {
        let server = try await CannedHTTPServer { request in
            if request.uri.contains("7.000000") { return .text(status: 502, contentType: "text/html", "<html>Bad Gateway</html>") }
            if request.uri.contains("8.000000") {
                return .json(status: 400, #"{"code":"InvalidQuery","message":"Query string malformed close to position 2"}"#)
            }
            if request.uri.contains("9.000000") { return .json(status: 200, #"{"code":"Ok","routes":"#) }
            return .json(status: 200, #"{"code":"Ok","routes":[{"distance":1234.5,"duration":99.9}],"waypoints":[]}"#)
        }
        let breaker = CircuitBreaker(provider: "osrm", failureThreshold: 2, metricsFactory: TestMetrics())
        let router = ExternalRouter(kind: .osrm, baseURL: server.baseURL, profile: "driving", httpClient: testHTTPClient, breaker: breaker)
        let at = { (lon: Double) in GeoPoint(latitude: 43.7, longitude: lon) }

        #expect(try await router.route(from: monacoRocher, to: monacoCasino) == ExternalRoute(distanceMeters: 1234.5, durationSeconds: 99.9))
        await #expect(throws: ExternalRouterError.http(status: 502, body: "<html>Bad Gateway</html>")) {
            _ = try await router.route(from: at(7), to: monacoCasino)
        }
        #expect(breaker.consecutiveFailures == 1)
        // A 400 is the service refusing this request: it is up, so the count starts over.
        await #expect(throws: ExternalRouterError.badResponse("InvalidQuery: Query string malformed close to position 2")) {
            _ = try await router.route(from: at(8), to: monacoCasino)
        }
        #expect(breaker.consecutiveFailures == 0)
        // A 200 that is not OSRM's JSON is a broken service.
        await #expect {
            _ = try await router.route(from: at(9), to: monacoCasino)
        } throws: { error in
            guard case .badResponse = error as? ExternalRouterError else { return false }
            return true
        }
        #expect(breaker.consecutiveFailures == 1)
        await #expect(throws: ExternalRouterError.http(status: 502, body: "<html>Bad Gateway</html>")) {
            _ = try await router.route(from: at(7), to: monacoCasino)
        }
        #expect(breaker.state == .open)
        await server.shutdown()
    }

    @Test func aRefusedConnectionIsATransportErrorAtOnce() async throws {
        let port = freePort() // nothing listens there
        let client = OSRMClient(baseURL: "http://127.0.0.1:\(port)", httpClient: testHTTPClient, timeout: .seconds(600))
        await #expect {
            _ = try await client.route(from: monacoRocher, to: monacoCasino)
        } throws: { error in
            guard case .transport = error as? ExternalRouterError else { return false }
            return true
        }
        // A refusal, not a timeout: with a 600 s limit only the refusal can end the call within the test.
        // (AsyncHTTPClient's default configuration would instead retry the connect until the deadline:
        // hence ExternalRouter.httpClientConfiguration().)
    }

    @Test func aCancelledCallerIsNotAFailureOfTheService() async throws {
        let listener = try BlackHoleListener()
        let breaker = CircuitBreaker(provider: "osrm", metricsFactory: TestMetrics())
        let router = ExternalRouter(
            kind: .osrm, baseURL: "http://127.0.0.1:\(listener.port)", profile: "driving",
            httpClient: testHTTPClient, timeout: .seconds(5), breaker: breaker)
        let task = Task { try await router.route(from: monacoRocher, to: monacoCasino) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        #expect(breaker.state == .closed && breaker.consecutiveFailures == 0)
    }
}
