import GeoFleetRedis
import Logging
import Synchronization

/// The shared second cache level in Redis (`SET key value EX ttl`), so several daemons share router answers.
///
/// hiredis calls block, so they run on the connection's queue, never on the cooperative pool. Redis
/// is optional: after a failure the store backs off for a few seconds and answers "miss" meanwhile.
public final class RedisRouteStore: Sendable {
    private let redis: ReconnectingRedis
    private let retryAfter = Mutex<ContinuousClock.Instant?>(nil)
    private let ttlSeconds: Int
    private let logger: Logger

    public init(ttlSeconds: Int = 86_400, logger: Logger, connect: @escaping @Sendable () throws -> RedisConnection) {
        self.ttlSeconds = ttlSeconds
        self.logger = logger
        redis = ReconnectingRedis(label: "geofleet.route-cache.redis", connect: connect)
    }

    func get(_ key: RouteCacheKey) async -> CachedRoute? {
        await run { redis in
            guard case .string(let value) = try redis.command(["GET", key.redisKey]) else { return nil }
            return CachedRoute(redisValue: value)
        } ?? nil
    }

    func set(_ route: CachedRoute, for key: RouteCacheKey) async {
        _ = await run { redis in
            _ = try redis.command(["SET", key.redisKey, route.redisValue, "EX", String(self.ttlSeconds)])
        }
    }

    private func run<T: Sendable>(_ body: @escaping @Sendable (RedisConnection) throws -> T) async -> T? {
        if let until = retryAfter.withLock({ $0 }), ContinuousClock.now < until { return nil }
        switch await redis.run(body) {
        case .success(let value):
            return value
        case .failure(let error):
            retryAfter.withLock { $0 = .now + .seconds(5) }
            logger.warning("route cache: Redis unavailable, using the in-process cache only", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
