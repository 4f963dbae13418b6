import Dispatch
import GeoFleetRedis
import Logging
import Synchronization

/// The shared second cache level in Redis (`SET key value EX ttl`), so several daemons share router answers.
///
/// hiredis calls block, so they run on a serial queue of their own, never on the cooperative pool. Redis
/// is optional: after a failure the store backs off for a few seconds and answers "miss" meanwhile.
public final class RedisRouteStore: Sendable {
    private let connect: @Sendable () throws -> RedisConnection
    private let connection = Mutex<RedisConnection?>(nil)
    private let retryAfter = Mutex<ContinuousClock.Instant?>(nil)
    private let queue = DispatchQueue(label: "geofleet.route-cache.redis")
    private let ttlSeconds: Int
    private let logger: Logger

    public init(ttlSeconds: Int = 86_400, logger: Logger, connect: @escaping @Sendable () throws -> RedisConnection) {
        self.ttlSeconds = ttlSeconds
        self.logger = logger
        self.connect = connect
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
        return await withCheckedContinuation { continuation in
            queue.async { [self] in
                do {
                    let redis = try connection.withLock { current -> RedisConnection in
                        if let current { return current }
                        let fresh = try connect()
                        current = fresh
                        return fresh
                    }
                    continuation.resume(returning: try body(redis))
                } catch {
                    connection.withLock { $0 = nil }
                    retryAfter.withLock { $0 = .now + .seconds(5) }
                    logger.warning("route cache: Redis unavailable, using the in-process cache only", metadata: ["error": "\(error)"])
                    continuation.resume(returning: nil)
                }
            }
        }
    }
}
