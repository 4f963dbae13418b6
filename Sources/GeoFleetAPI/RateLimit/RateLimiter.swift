import Metrics
import Synchronization

/// The answer for one request.
public struct RateLimitDecision: Sendable, Equatable {
    public var allowed: Bool
    public var group: String
    public var limit: RateLimit
    /// Requests of this group the user may still make right now.
    public var remaining: Int
    /// Until the next request of this group would pass; zero when allowed.
    public var retryAfter: Duration

    /// `retryAfter` rounded up to whole seconds, at least 1 when refused (for `Retry-After`).
    public var retryAfterSeconds: Int {
        guard !allowed else { return 0 }
        let ns = RateLimiter.nanoseconds(retryAfter)
        return max(1, Int((ns + 999_999_999) / 1_000_000_000))
    }
}

/// Per-user, per-endpoint-group request limits, in memory, or in Redis when the nodes of a cluster share them.
///
/// GCRA (the generic cell rate algorithm, a token bucket kept as one timestamp): for `limit` requests per
/// `period`, each request moves the user's "theoretical arrival time" (TAT) `period / limit` ahead; a
/// request passes while the TAT would stay within `period` of now. So a fresh user gets `limit` at once,
/// then one every `period / limit`; a refused request costs nothing.
///
/// A user whose every TAT lies in the past has full buckets and is indistinguishable from one never seen,
/// so forgetting them is lossless: shards drop such users every minute and when full. A full shard that
/// is still full afterwards drops the users nearest to refilled down to 7/8 of its capacity, so the map
/// never exceeds ``RateLimitConfiguration/maxTrackedUsers`` (memory: one small entry per user).
///
/// Thread-safe: users are spread over shards, each behind a `Mutex`; no await inside.
public final class RateLimiter: Sendable {
    public let configuration: RateLimitConfiguration

    private struct Group: Sendable {
        var name: String
        var limit: RateLimit
        var interval: Int64
        var period: Int64
        var refused: Counter
    }

    private final class Shard: Sendable {
        let state = Mutex(State())
    }

    private struct State {
        /// User id → TAT (ns on the limiter's clock) per group index; `Int64.min`: never used.
        var users: [String: [Int64]] = [:]
        var nextSweep: Int64 = .min

        /// Forgets users whose every bucket is full again; returns how many.
        mutating func removeIdle(now: Int64) -> Int {
            let before = users.count
            users = users.filter { $0.value.contains { $0 > now } }
            return before - users.count
        }

        /// Makes room for one more user in a shard of `capacity`.
        mutating func makeRoom(capacity: Int, now: Int64) {
            guard users.count >= capacity else { return }
            _ = removeIdle(now: now)
            let target = capacity - max(1, capacity / 8)
            guard users.count > target else { return }
            let nearestRefilled = users.map { (key: $0.key, busyUntil: $0.value.max() ?? .min) }
                .sorted { $0.busyUntil < $1.busyUntil }
                .prefix(users.count - target)
            for entry in nearestRefilled { users.removeValue(forKey: entry.key) }
        }
    }

    /// A bucket all cluster nodes share (GCRA kept in Redis): `key`, the group's interval and period in
    /// nanoseconds → allowed, and how far the bucket's theoretical arrival time now lies ahead of the
    /// store's clock; nil when the store cannot answer (then this process's own bucket decides).
    public typealias SharedBucket = @Sendable (_ key: String, _ interval: Int64, _ period: Int64) async -> (allowed: Bool, ahead: Int64)?

    private let shared: SharedBucket?
    private let groups: [Group]
    private let groupIndex: [String: Int]
    private let shards: [Shard]
    private let shardCapacity: Int
    private let clock: @Sendable () -> Duration

    /// Idle users are swept from a shard at most this often (besides when it is full).
    static let sweepInterval: Int64 = 60 * 1_000_000_000

    /// The name of the counter of refused requests, with dimension `group`.
    public static let refusedCounterLabel = "geofleet_api_rate_limited_total"

    /// - Parameters:
    ///   - metricsFactory: where `geofleet_api_rate_limited_total{group}` goes; nil: the bootstrapped
    ///     `MetricsSystem` (create the limiter after bootstrapping).
    ///   - now: a monotonic clock, as the time since any fixed origin; nil: `ContinuousClock`.
    ///   - shared: cluster mode's bucket shared by every node; nil: the limits hold per process.
    public init(
        configuration: RateLimitConfiguration = RateLimitConfiguration(),
        metricsFactory: (any MetricsFactory)? = nil,
        now: (@Sendable () -> Duration)? = nil,
        shared: SharedBucket? = nil
    ) {
        self.configuration = configuration
        self.shared = shared
        var groups: [Group] = []
        var index: [String: Int] = [:]
        for (name, limit) in configuration.limits.sorted(by: { $0.key < $1.key }) {
            let period = Self.nanoseconds(limit.period)
            guard limit.limit > 0, period > 0 else { continue }
            let dimensions = [("group", name)]
            let counter =
                metricsFactory.map { Counter(label: Self.refusedCounterLabel, dimensions: dimensions, factory: $0) }
                ?? Counter(label: Self.refusedCounterLabel, dimensions: dimensions)
            index[name] = groups.count
            groups.append(Group(name: name, limit: limit, interval: max(1, period / Int64(limit.limit)), period: period, refused: counter))
        }
        self.groups = groups
        self.groupIndex = index
        let shardCount = configuration.maxTrackedUsers >= 4096 ? 16 : 1
        shards = (0..<shardCount).map { _ in Shard() }
        shardCapacity = (configuration.maxTrackedUsers + shardCount - 1) / shardCount
        if let now {
            clock = now
        } else {
            let origin = ContinuousClock.now
            clock = { ContinuousClock.now - origin }
        }
    }

    /// Counts one request of `user` in `group` and says whether it may pass; nil when the group is not limited.
    public func check(user: String, group: String) -> RateLimitDecision? {
        guard let g = groupIndex[group] else { return nil }
        let spec = groups[g]
        let now = Self.nanoseconds(clock())
        let groupCount = groups.count
        let capacity = shardCapacity
        let (allowed, tat) = shard(for: user).state.withLock { state -> (Bool, Int64) in
            if now >= state.nextSweep {
                _ = state.removeIdle(now: now)
                state.nextSweep = now + Self.sweepInterval
            }
            var index = state.users.index(forKey: user)
            if index == nil {
                state.makeRoom(capacity: capacity, now: now)
                state.users[user] = [Int64](repeating: .min, count: groupCount)
                index = state.users.index(forKey: user)
            }
            let i = index!
            let next = max(state.users.values[i][g], now) + spec.interval
            guard next - now <= spec.period else { return (false, next) }
            state.users.values[i][g] = next
            return (true, next)
        }
        if allowed {
            return RateLimitDecision(
                allowed: true, group: spec.name, limit: spec.limit,
                remaining: Int((now + spec.period - tat) / spec.interval), retryAfter: .zero)
        }
        spec.refused.increment()
        return RateLimitDecision(
            allowed: false, group: spec.name, limit: spec.limit, remaining: 0,
            retryAfter: .nanoseconds(tat - spec.period - now))
    }

    /// ``check(user:group:)`` against the bucket every node shares, when there is one and it answers;
    /// otherwise this process's own.
    public func decide(user: String, group: String) async -> RateLimitDecision? {
        guard let shared, let g = groupIndex[group] else { return check(user: user, group: group) }
        let spec = groups[g]
        guard let answer = await shared("\(group):\(user)", spec.interval, spec.period) else { return check(user: user, group: group) }
        if answer.allowed {
            return RateLimitDecision(
                allowed: true, group: spec.name, limit: spec.limit, remaining: Int(max(0, spec.period - answer.ahead) / spec.interval),
                retryAfter: .zero)
        }
        spec.refused.increment()
        return RateLimitDecision(
            allowed: false, group: spec.name, limit: spec.limit, remaining: 0, retryAfter: .nanoseconds(max(0, answer.ahead - spec.period)))
    }

    /// True when no group has a limit (every limit 0): requests need not even be classified.
    public var limitsNothing: Bool { groups.isEmpty }

    /// Users currently remembered (at most ``RateLimitConfiguration/maxTrackedUsers``).
    public var trackedUsers: Int {
        shards.reduce(0) { sum, shard in sum + shard.state.withLock { $0.users.count } }
    }

    /// Forgets every user whose buckets are all full again (this also happens by itself); returns how many.
    @discardableResult
    public func sweep() -> Int {
        let now = Self.nanoseconds(clock())
        return shards.reduce(0) { sum, shard in sum + shard.state.withLock { $0.removeIdle(now: now) } }
    }

    private func shard(for user: String) -> Shard {
        shards.count == 1 ? shards[0] : shards[Int(UInt(bitPattern: user.hashValue) % UInt(shards.count))]
    }

    static func nanoseconds(_ d: Duration) -> Int64 {
        let (seconds, attoseconds) = d.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
