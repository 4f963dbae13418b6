import Foundation
import GeoFleetCore
import GeoFleetTestSupport
import Testing

/// The provider chain with a real external OSRM (`osrm-routed` from osrm-bindings on the Monaco extract) and no
/// built-in graph: OSRM answers; killed, the breaker opens and the heuristic answers; back, the breaker closes.
@Suite(.serialized) struct RouteChainTests {
    @Test func externalOSRMThenHeuristicThenOSRMAgain() async throws {
        let osrm = try await OSRMServerProcess.start(pbf: try OSRMServerProcess.osmFixture("monaco.osm.pbf"))
        let harness = try await EngineHarness.start(tweak: { configuration in
            configuration.routing.externalURL = osrm.baseURL
            configuration.routing.breakerFailures = 2
            configuration.routing.breakerCooldownSeconds = 1
            configuration.routing.externalTimeoutMilliseconds = 1000
        })
        let token = try await harness.token("user_chain")
        var generator = SeededGenerator(seed: 3)
        // A fresh pair each time, so that no answer comes from the cache.
        func estimate() async throws -> [String: Any] {
            let body: [String: Any] = [
                "from": ["lat": Double.random(in: 43.730...43.735, using: &generator), "long": Double.random(in: 7.415...7.420, using: &generator)],
                "to": ["lat": Double.random(in: 43.740...43.745, using: &generator), "long": Double.random(in: 7.425...7.430, using: &generator)],
                "profile": "car",
            ]
            let (status, json) = try await harness.call("POST", "/api/routes/estimate", token: token, body: body)
            #expect(status == 200)
            return json as? [String: Any] ?? [:]
        }

        let first = try await estimate()
        #expect(first["source"] as? String == "road")
        #expect(first["provider"] as? String == "osrm")
        #expect((first["distanceMeters"] as? Double ?? 0) > 1000)

        await osrm.stop(signal: SIGKILL)
        var reasons: [String] = []
        for _ in 0..<4 {
            let answer = try await estimate()
            #expect(answer["source"] as? String == "heuristic")
            #expect(answer["errorBand"] != nil)
            reasons.append(answer["fallbackReason"] as? String ?? "")
        }
        // The first calls fail on the dead service; then the open breaker answers without trying it.
        #expect(reasons.first?.contains("breaker") == false)
        #expect(reasons.last?.contains("circuit breaker is open") == true)

        try await osrm.restart()
        try await Task.sleep(for: .milliseconds(1200))
        let back = try await estimate()
        #expect(back["source"] as? String == "road")
        #expect(back["provider"] as? String == "osrm")
        try await harness.stop()
        await osrm.stop()
    }
}
