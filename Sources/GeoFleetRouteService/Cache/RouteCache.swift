import Metrics
import Synchronization

/// Two cache levels for router answers: an in-process LRU, then Redis when configured; both with a 24 h TTL.
public final class RouteCache: Sendable {
    /// Where a lookup was answered.
    public enum Level: String, Sendable { case memory, redis }

    private let memory: LRUCache<RouteCacheKey, CachedRoute>
    private let redis: RedisRouteStore?
    private let counts = Mutex((lookups: 0, hits: 0))
    private let hitRatio: Gauge
    private let requests: [String: Counter]

    /// `metricsFactory`: where the hit ratio and the per-level counters go; nil: the bootstrapped `MetricsSystem`.
    public init(
        capacity: Int = 200_000, timeToLive: Duration = .seconds(86_400), redis: RedisRouteStore? = nil,
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        memory = LRUCache(capacity: capacity, timeToLive: timeToLive)
        self.redis = redis
        func counter(_ level: Level, _ result: String) -> Counter {
            let dimensions = [("level", level.rawValue), ("result", result)]
            if let metricsFactory { return Counter(label: "geofleet_route_cache_requests_total", dimensions: dimensions, factory: metricsFactory) }
            return Counter(label: "geofleet_route_cache_requests_total", dimensions: dimensions)
        }
        var requests: [String: Counter] = [:]
        for level in [Level.memory, .redis] {
            for result in ["hit", "miss"] { requests[level.rawValue + result] = counter(level, result) }
        }
        self.requests = requests
        hitRatio =
            metricsFactory.map { Gauge(label: "geofleet_route_cache_hit_ratio", factory: $0) }
            ?? Gauge(label: "geofleet_route_cache_hit_ratio")
    }

    public func get(_ key: RouteCacheKey) async -> (route: CachedRoute, level: Level)? {
        if let route = memory.value(for: key) {
            record(level: .memory, hit: true)
            finish(hit: true)
            return (route, .memory)
        }
        record(level: .memory, hit: false)
        guard let redis else {
            finish(hit: false)
            return nil
        }
        if let route = await redis.get(key) {
            memory.set(route, for: key)
            record(level: .redis, hit: true)
            finish(hit: true)
            return (route, .redis)
        }
        record(level: .redis, hit: false)
        finish(hit: false)
        return nil
    }

    public func set(_ route: CachedRoute, for key: RouteCacheKey) async {
        memory.set(route, for: key)
        await redis?.set(route, for: key)
    }

    public var memoryCount: Int { memory.count }

    private func record(level: Level, hit: Bool) {
        requests[level.rawValue + (hit ? "hit" : "miss")]?.increment()
    }

    /// Updates the overall hit ratio (either level) once per lookup.
    private func finish(hit: Bool) {
        let ratio = counts.withLock { counts -> Double in
            counts.lookups += 1
            if hit { counts.hits += 1 }
            return Double(counts.hits) / Double(counts.lookups)
        }
        hitRatio.record(ratio)
    }
}
