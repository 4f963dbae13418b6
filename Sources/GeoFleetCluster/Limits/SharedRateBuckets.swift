import GeoFleetRedis
import Logging
import Metrics
import Synchronization

/// Per-user rate-limit buckets every cluster node shares: GCRA (one theoretical arrival time per user
/// and group) applied atomically by a Lua script on Redis, on Redis's clock, so the nodes' clocks need
/// not agree. While Redis does not answer, callers get nil for a second at a time and use their own
/// in-memory buckets: a lost Redis loosens the limits to per node, it never refuses or stalls requests.
public final class SharedRateBuckets: Sendable {
    private let redis: ReconnectingRedis
    private let logger: Logger
    /// Until when Redis is skipped after a failure (ContinuousClock).
    private let skipUntil = Mutex<ContinuousClock.Instant?>(nil)
    /// Requests queued for Redis or being answered.
    private let waiting = Atomic<Int>(0)
    private let failures = Counter(label: "geofleet_rate_limit_shared_failures_total")

    /// KEYS[1] the bucket; ARGV interval and period in µs. Returns {allowed, tat - now in µs}.
    static let script = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local interval = tonumber(ARGV[1])
        local period = tonumber(ARGV[2])
        local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
        if tat < now then tat = now end
        local nxt = tat + interval
        if nxt - now > period then return {0, nxt - now} end
        redis.call('SET', KEYS[1], string.format('%.0f', nxt), 'PX', math.floor(period / 1000) + 1000)
        return {1, nxt - now}
        """

    public init(logger: Logger, connect: @escaping @Sendable () throws -> RedisConnection) {
        self.logger = logger
        redis = ReconnectingRedis(label: "geofleet.rate-limits", connect: connect)
    }

    /// One request of `key`'s bucket (interval and period in ns): allowed, and how far the bucket's
    /// arrival time lies ahead of now (ns); nil when Redis cannot say.
    public func take(key: String, interval: Int64, period: Int64) async -> (allowed: Bool, ahead: Int64)? {
        if skipping { return nil }
        // hiredis is blocking and one connection serves every request in turn: past this many waiting,
        // a slow Redis would add seconds to each API call, so they are limited per node instead.
        guard waiting.wrappingAdd(1, ordering: .relaxed).newValue <= Self.maxWaiting else {
            waiting.wrappingSubtract(1, ordering: .relaxed)
            return nil
        }
        let args = [
            "EVAL", Self.script, "1", "geofleet:ratelimit:" + key, String(max(1, interval / 1000)), String(max(1, period / 1000)),
        ]
        return await withCheckedContinuation { continuation in
            redis.submit { [self] in
                defer { waiting.wrappingSubtract(1, ordering: .relaxed) }
                // Requests queued behind a failure do not each wait for Redis again.
                if skipping { return continuation.resume(returning: nil) }
                continuation.resume(returning: answer { try redis.withConnection { try $0.command(args) } })
            }
        }
    }

    /// Requests that may wait for Redis at once.
    static let maxWaiting = 256

    private var skipping: Bool {
        guard let until = skipUntil.withLock({ $0 }) else { return false }
        return ContinuousClock.now < until
    }

    private func answer(_ call: () throws -> RedisReply) -> (allowed: Bool, ahead: Int64)? {
        do {
            let reply = try call()
            if case .array(let items) = reply, items.count == 2, case .integer(let allowed) = items[0], case .integer(let ahead) = items[1] {
                return (allowed == 1, ahead * 1000)
            }
            logger.warning("unexpected answer from the rate-limit script", metadata: ["reply": "\(reply)"])
        } catch {
            logger.warning("shared rate limits unreachable; limiting per node for a second", metadata: ["error": "\(error)"])
        }
        failures.increment()
        skipUntil.withLock { $0 = .now + .seconds(1) }
        return nil
    }
}
