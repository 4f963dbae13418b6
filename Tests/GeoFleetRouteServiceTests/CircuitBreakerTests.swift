import GeoFleetRouteService
import MetricsTestKit
import Testing

/// Every transition of the breaker, on a hand-moved clock.
@Suite struct CircuitBreakerTests {
    let clock = ManualClock()
    let metrics = TestMetrics()

    func breaker(threshold: Int = 5, cooldown: Duration = .seconds(10), openOnTimeout: Bool = true) -> CircuitBreaker {
        let clock = clock
        return CircuitBreaker(
            provider: "osrm", failureThreshold: threshold, cooldown: cooldown, openOnTimeout: openOnTimeout,
            metricsFactory: metrics, now: { clock.elapsed })
    }

    func gauge() throws -> Double? { try metrics.expectGauge(CircuitBreaker.openGaugeLabel, [("provider", "osrm")]).lastValue }

    func count(_ result: String) -> Int64 {
        metrics.counterTotal(label: CircuitBreaker.requestsCounterLabel, dimensions: [("provider", "osrm"), ("result", result)])
    }

    func fail(_ b: CircuitBreaker, times: Int) throws {
        for _ in 0..<times { b.record(try b.acquire(), .failure, result: "transport") }
    }

    @Test func startsClosedWithTheGaugeAtZero() throws {
        let b = breaker()
        #expect(b.state == .closed)
        #expect(try gauge() == 0)
    }

    @Test func closedToOpenAfterConsecutiveFailures() throws {
        let b = breaker(threshold: 5)
        try fail(b, times: 4)
        #expect(b.state == .closed && b.consecutiveFailures == 4)
        try fail(b, times: 1)
        #expect(b.state == .open)
        #expect(try gauge() == 1)
        #expect(count("transport") == 5)
    }

    @Test func aSuccessResetsTheCount() throws {
        let b = breaker(threshold: 3)
        try fail(b, times: 2)
        b.record(try b.acquire(), .success, result: "no_route") // a "no route" answer is a healthy service
        #expect(b.consecutiveFailures == 0)
        try fail(b, times: 2)
        #expect(b.state == .closed)
        try fail(b, times: 1)
        #expect(b.state == .open)
    }

    @Test func aTimeoutOpensAtOnce() throws {
        let b = breaker(threshold: 5)
        b.record(try b.acquire(), .timeout, result: "timeout")
        #expect(b.state == .open)
        #expect(try gauge() == 1)
    }

    @Test func aTimeoutCountsAsOneFailureWhenOpenOnTimeoutIsOff() throws {
        let b = breaker(threshold: 2, openOnTimeout: false)
        b.record(try b.acquire(), .timeout, result: "timeout")
        #expect(b.state == .closed && b.consecutiveFailures == 1)
        b.record(try b.acquire(), .timeout, result: "timeout")
        #expect(b.state == .open)
    }

    @Test func openRefusesUntilTheCooldownEnds() throws {
        let b = breaker(threshold: 1, cooldown: .seconds(10))
        try fail(b, times: 1)
        for _ in 0..<3 {
            #expect(throws: ExternalRouterError.breakerOpen) { try b.acquire() }
        }
        #expect(count(CircuitBreaker.breakerOpenResult) == 3)
        clock.advance(.milliseconds(9_999))
        #expect(b.state == .open)
        #expect(throws: ExternalRouterError.breakerOpen) { try b.acquire() }
        clock.advance(.milliseconds(1))
        #expect(b.state == .halfOpen)
    }

    @Test func halfOpenLetsOneTrialThroughAndItsSuccessCloses() throws {
        let b = breaker(threshold: 1, cooldown: .seconds(10))
        try fail(b, times: 1)
        clock.advance(.seconds(10))
        let trial = try b.acquire()
        #expect(b.state == .halfOpen)
        // While the trial runs everyone else still fails fast.
        #expect(throws: ExternalRouterError.breakerOpen) { try b.acquire() }
        b.record(trial, .success, result: "ok")
        #expect(b.state == .closed && b.consecutiveFailures == 0)
        #expect(try gauge() == 0)
        _ = try b.acquire()
    }

    @Test func halfOpenTrialFailureReopensForAFullCooldown() throws {
        let b = breaker(threshold: 1, cooldown: .seconds(10))
        try fail(b, times: 1)
        clock.advance(.seconds(15))
        let trial = try b.acquire()
        clock.advance(.seconds(1))
        b.record(trial, .failure, result: "transport")
        #expect(b.state == .open)
        #expect(try gauge() == 1)
        clock.advance(.seconds(9))
        #expect(throws: ExternalRouterError.breakerOpen) { try b.acquire() }
        clock.advance(.seconds(1))
        #expect(b.state == .halfOpen)
    }

    @Test func halfOpenTrialTimeoutReopens() throws {
        let b = breaker(threshold: 1, cooldown: .seconds(1))
        try fail(b, times: 1)
        clock.advance(.seconds(1))
        b.record(try b.acquire(), .timeout, result: "timeout")
        #expect(b.state == .open)
    }

    @Test func aCancelledTrialFreesTheSlotForAnother() throws {
        let b = breaker(threshold: 1, cooldown: .seconds(1))
        try fail(b, times: 1)
        clock.advance(.seconds(1))
        b.record(try b.acquire(), .ignored, result: "cancelled")
        #expect(b.state == .halfOpen)
        let second = try b.acquire()
        b.record(second, .success, result: "ok")
        #expect(b.state == .closed)
    }

    @Test func outcomesOfCallsFromBeforeATransitionAreNotCounted() throws {
        let b = breaker(threshold: 2, cooldown: .seconds(1))
        let early = try b.acquire() // started while closed, answers late
        try fail(b, times: 2)
        #expect(b.state == .open)
        b.record(early, .success, result: "ok") // must not close an open breaker
        #expect(b.state == .open)
        clock.advance(.seconds(1))
        let trial = try b.acquire()
        let stale = early
        b.record(stale, .failure, result: "transport") // nor re-open a half-open one
        #expect(b.state == .halfOpen)
        b.record(trial, .success, result: "ok")
        #expect(b.state == .closed)
        // And a late failure from the old open era does not count towards the next opening.
        b.record(stale, .failure, result: "transport")
        #expect(b.consecutiveFailures == 0)
    }

    @Test func concurrentCallersSeeOneConsistentBreaker() async throws {
        let b = breaker(threshold: 5, cooldown: .seconds(1000))
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<64 {
                group.addTask {
                    if let p = try? b.acquire() { b.record(p, .failure, result: "transport") }
                }
            }
        }
        #expect(b.state == .open)
        // Permits issued before the 5th failure may still report: at least 5, at most all 64, every call counted once.
        #expect(count("transport") + count(CircuitBreaker.breakerOpenResult) == 64)
        #expect(count("transport") >= 5)
    }
}
