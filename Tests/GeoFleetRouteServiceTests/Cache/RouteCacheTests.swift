import GeoFleetCore
import GeoFleetRouting
import MetricsTestKit
import Synchronization
import Testing
@testable import GeoFleetRouteService

/// The in-process cache level, the key's quantization and the single-flight of concurrent misses.
@Suite struct RouteCacheTests {
    final class FakeClock: Sendable {
        let instant = Mutex(ContinuousClock.now)
        func advance(_ duration: Duration) { instant.withLock { $0 += duration } }
        func now() -> ContinuousClock.Instant { instant.withLock { $0 } }
    }

    @Test("LRU evicts the least recently used entry and expires entries after the TTL")
    func lru() {
        let clock = FakeClock()
        let cache = LRUCache<Int, String>(capacity: 2, timeToLive: .seconds(86_400), now: { clock.now() })
        cache.set("a", for: 1)
        cache.set("b", for: 2)
        #expect(cache.value(for: 1) == "a") // 1 is now the most recent
        cache.set("c", for: 3)
        #expect(cache.value(for: 2) == nil)
        #expect(cache.value(for: 1) == "a")
        #expect(cache.value(for: 3) == "c")
        clock.advance(.seconds(86_399))
        #expect(cache.value(for: 3) == "c")
        clock.advance(.seconds(2))
        #expect(cache.value(for: 3) == nil)
        #expect(cache.count == 1)
    }

    @Test("keys: points within ~20 m share a key, points ~100 m apart do not; profile and data version are part of it")
    func quantization() {
        let a = GeoPoint(latitude: 44.42680, longitude: 26.10250)
        let near = GeoPoint(latitude: 44.42690, longitude: 26.10262) // ~15 m away
        let far = GeoPoint(latitude: 44.42770, longitude: 26.10250) // 100 m north
        let to = GeoPoint(latitude: 46.77, longitude: 23.62)
        let key = RouteCacheKey(from: a, to: to, profile: "car", dataVersion: "v1")
        // Quantization has cell edges; pick the expectation from the cell arithmetic rather than luck.
        let sameCell = RouteCacheKey.quantize(a) == RouteCacheKey.quantize(near)
        #expect((key == RouteCacheKey(from: near, to: to, profile: "car", dataVersion: "v1")) == sameCell)
        #expect(key != RouteCacheKey(from: far, to: to, profile: "car", dataVersion: "v1"))
        #expect(key != RouteCacheKey(from: a, to: to, profile: "articulated", dataVersion: "v1"))
        #expect(key != RouteCacheKey(from: a, to: to, profile: "car", dataVersion: "v2"))
        // The grid is ~50 m in both directions at this latitude.
        let step = RouteCacheKey.latitudeStep * 111_195
        #expect(abs(step - 50) < 1)
    }

    @Test("a cached route survives the Redis text form; malformed values are refused")
    func redisValue() {
        let route = CachedRoute(distanceMeters: 15979.6, durationSeconds: 1099.6, provider: "builtin")
        #expect(CachedRoute(redisValue: route.redisValue) == route)
        #expect(CachedRoute(redisValue: "12 x builtin") == nil)
        #expect(CachedRoute(redisValue: "-1 5 builtin") == nil)
    }

    final class RunCount: Sendable { let value = Mutex(0) }

    @Test("100 concurrent misses of one key run the computation once")
    func singleFlight() async {
        let flights = SingleFlight<String, Int>()
        let runs = RunCount()
        let results = await withTaskGroup(of: (Int, Bool).self) { group in
            for _ in 0..<100 {
                group.addTask {
                    await flights.run("key") {
                        runs.value.withLock { $0 += 1 }
                        try? await Task.sleep(for: .milliseconds(200))
                        return 42
                    }
                }
            }
            var all: [(Int, Bool)] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results.allSatisfy { $0.0 == 42 })
        #expect(runs.value.withLock { $0 } == 1)
        #expect(results.filter { !$0.1 }.count == 1)
    }

    @Test("the hit ratio and per-level counters in /metrics")
    func metrics() async throws {
        let metrics = TestMetrics()
        let cache = RouteCache(capacity: 10, metricsFactory: metrics)
        let key = RouteCacheKey(
            from: GeoPoint(latitude: 45, longitude: 25), to: GeoPoint(latitude: 46, longitude: 24), profile: "car", dataVersion: "v")
        #expect(await cache.get(key) == nil)
        await cache.set(CachedRoute(distanceMeters: 1, durationSeconds: 2, provider: "builtin"), for: key)
        #expect(await cache.get(key)?.level == .memory)
        #expect(await cache.get(key)?.route.durationSeconds == 2)
        let ratio = try metrics.expectGauge("geofleet_route_cache_hit_ratio")
        #expect(abs((ratio.lastValue ?? 0) - 2.0 / 3.0) < 1e-9)
        #expect(try metrics.expectCounter("geofleet_route_cache_requests_total", [("level", "memory"), ("result", "hit")]).totalValue == 2)
        #expect(try metrics.expectCounter("geofleet_route_cache_requests_total", [("level", "memory"), ("result", "miss")]).totalValue == 1)
    }
}
