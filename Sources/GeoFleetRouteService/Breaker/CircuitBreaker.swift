import Metrics
import Synchronization

/// A circuit breaker for one external provider: closed → open after `failureThreshold` consecutive
/// failures (or at once on a timeout), open refuses every call for `cooldown`, then half-open lets one
/// trial call through; its success closes the breaker, its failure opens it again.
///
/// Why: a dead or hanging routing service must cost callers nothing (they fall back to the heuristic at
/// once) instead of a connect error or a full timeout each, and it must not be hammered while it restarts.
///
/// Use: `acquire()` before the call (throws `.breakerOpen`), then exactly one `record(_:_:result:)` with
/// the permit. Thread-safe (one Mutex); the clock is injectable for tests.
public final class CircuitBreaker: Sendable {
    /// Where the breaker is; `halfOpen` once the cooldown is over, whether or not a trial is running.
    public enum State: String, Sendable {
        case closed
        case open
        case halfOpen = "half_open"
    }

    /// What a guarded call turned out to say about the service.
    public enum Outcome: Sendable, Equatable {
        /// The service answered (a "no route" or a 4xx is an answer): resets the failure count, closes a half-open breaker.
        case success
        /// The service failed (connection refused or reset, 5xx, garbage): one more consecutive failure.
        case failure
        /// The service did not answer in time: opens at once when `openOnTimeout`, else counts as a failure.
        case timeout
        /// Says nothing about the service (the caller was cancelled): frees a half-open trial slot.
        case ignored
    }

    /// Leave to make one call; hand it back to `record` with the outcome.
    public struct Permit: Sendable {
        /// The breaker generation it was issued in: outcomes of calls from an older state are not counted.
        let generation: UInt64
        /// The half-open trial call.
        let isTrial: Bool
    }

    /// Gauge, dimension `provider`: 1 while the breaker is open or half-open, 0 while closed.
    public static let openGaugeLabel = "geofleet_route_breaker_open"
    /// Counter, dimensions `provider` and `result`: one per guarded HTTP request. From `ExternalRouter`:
    /// `ok`, `no_route`, `rejected` (other 4xx), `bad_response`, `http_5xx`, `http_429`, `timeout`,
    /// `transport`, `cancelled`, and `breaker_open` for calls refused here.
    public static let requestsCounterLabel = "geofleet_route_external_requests_total"
    /// The `result` of calls refused by the open breaker.
    public static let breakerOpenResult = "breaker_open"

    public let provider: String
    public let failureThreshold: Int
    public let cooldown: Duration
    public let openOnTimeout: Bool

    private struct Inner {
        var state: State = .closed
        var consecutiveFailures = 0
        var openedAt: Duration = .zero
        var generation: UInt64 = 0
        var trialInFlight = false
        var counters: [String: Counter] = [:]
    }

    private let inner = Mutex(Inner())
    private let clock: @Sendable () -> Duration
    private let metricsFactory: (any MetricsFactory)?
    private let openGauge: Gauge

    /// - Parameters:
    ///   - provider: the `provider` dimension of the metrics (e.g. "osrm").
    ///   - failureThreshold: consecutive failures that open a closed breaker (at least 1).
    ///   - cooldown: how long an open breaker refuses calls before it lets one trial through.
    ///   - openOnTimeout: a timeout opens the breaker at once (a hanging service would otherwise cost
    ///     `failureThreshold` full timeouts before callers are spared).
    ///   - metricsFactory: where the gauge and counter go; nil: the bootstrapped `MetricsSystem`.
    ///   - now: a monotonic clock, as the time since any fixed origin; nil: `ContinuousClock`.
    public init(
        provider: String,
        failureThreshold: Int = 5,
        cooldown: Duration = .seconds(10),
        openOnTimeout: Bool = true,
        metricsFactory: (any MetricsFactory)? = nil,
        now: (@Sendable () -> Duration)? = nil
    ) {
        self.provider = provider
        self.failureThreshold = max(1, failureThreshold)
        self.cooldown = cooldown
        self.openOnTimeout = openOnTimeout
        self.metricsFactory = metricsFactory
        let dimensions = [("provider", provider)]
        openGauge =
            metricsFactory.map { Gauge(label: Self.openGaugeLabel, dimensions: dimensions, factory: $0) }
            ?? Gauge(label: Self.openGaugeLabel, dimensions: dimensions)
        openGauge.record(0)
        if let now {
            clock = now
        } else {
            let origin = ContinuousClock.now
            clock = { ContinuousClock.now - origin }
        }
    }

    /// The state now; an open breaker whose cooldown is over reads as half-open.
    public var state: State {
        let now = clock()
        return inner.withLock { inner in
            if inner.state == .open, now - inner.openedAt >= cooldown { return .halfOpen }
            return inner.state
        }
    }

    /// Consecutive failures counted while closed.
    public var consecutiveFailures: Int { inner.withLock { $0.consecutiveFailures } }

    /// Leave for one call, or `.breakerOpen` at once (counted as result `breaker_open`).
    public func acquire() throws(ExternalRouterError) -> Permit {
        let now = clock()
        let permit: Permit? = inner.withLock { inner in
            switch inner.state {
            case .closed:
                return Permit(generation: inner.generation, isTrial: false)
            case .open:
                guard now - inner.openedAt >= cooldown else { return nil }
                inner.state = .halfOpen
                inner.generation &+= 1
                inner.trialInFlight = true
                return Permit(generation: inner.generation, isTrial: true)
            case .halfOpen:
                // One trial at a time: the others keep failing fast until it has answered.
                guard !inner.trialInFlight else { return nil }
                inner.trialInFlight = true
                return Permit(generation: inner.generation, isTrial: true)
            }
        }
        guard let permit else {
            count(Self.breakerOpenResult)
            throw .breakerOpen
        }
        return permit
    }

    /// Hands back a permit with what the call said about the service; `result` is the counter's label.
    public func record(_ permit: Permit, _ outcome: Outcome, result: String) {
        let now = clock()
        let gauge: Double? = inner.withLock { inner in
            // A call that started before the last transition says nothing about the state since.
            guard permit.generation == inner.generation else { return nil }
            switch inner.state {
            case .closed:
                switch outcome {
                case .success:
                    inner.consecutiveFailures = 0
                    return nil
                case .ignored:
                    return nil
                case .timeout where openOnTimeout:
                    Self.open(&inner, at: now)
                    return 1
                case .failure, .timeout:
                    inner.consecutiveFailures += 1
                    guard inner.consecutiveFailures >= failureThreshold else { return nil }
                    Self.open(&inner, at: now)
                    return 1
                }
            case .halfOpen:
                guard permit.isTrial else { return nil }
                switch outcome {
                case .success:
                    inner.state = .closed
                    inner.consecutiveFailures = 0
                    inner.trialInFlight = false
                    inner.generation &+= 1
                    return 0
                case .failure, .timeout:
                    Self.open(&inner, at: now)
                    return 1
                case .ignored:
                    inner.trialInFlight = false
                    return nil
                }
            case .open:
                return nil
            }
        }
        if let gauge { openGauge.record(gauge) }
        count(result)
    }

    private static func open(_ inner: inout Inner, at now: Duration) {
        inner.state = .open
        inner.openedAt = now
        inner.trialInFlight = false
        inner.generation &+= 1
    }

    private func count(_ result: String) {
        let counter = inner.withLock { inner in
            if let counter = inner.counters[result] { return counter }
            let dimensions = [("provider", provider), ("result", result)]
            let counter =
                metricsFactory.map { Counter(label: Self.requestsCounterLabel, dimensions: dimensions, factory: $0) }
                ?? Counter(label: Self.requestsCounterLabel, dimensions: dimensions)
            inner.counters[result] = counter
            return counter
        }
        counter.increment()
    }
}
