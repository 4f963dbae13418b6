import GeoFleetAPI
import MetricsTestKit
import Synchronization
import Testing

@Suite struct RateLimiterTests {
    let clock = TestClock()

    func limiter(_ limits: [String: RateLimit], maxTrackedUsers: Int = 1000, metrics: TestMetrics = TestMetrics()) -> RateLimiter {
        let clock = self.clock
        return RateLimiter(
            configuration: RateLimitConfiguration(limits: limits, maxTrackedUsers: maxTrackedUsers),
            metricsFactory: metrics, now: { clock.elapsed })
    }

    @Test func burstThenOneEveryInterval() throws {
        let limiter = limiter(["g": .perMinute(6)]) // one every 10 s
        for remaining in (0..<6).reversed() {
            let d = try #require(limiter.check(user: "u", group: "g"))
            #expect(d.allowed && d.remaining == remaining && d.limit == .perMinute(6))
        }
        let refused = try #require(limiter.check(user: "u", group: "g"))
        #expect(!refused.allowed && refused.remaining == 0)
        #expect(refused.retryAfter == .seconds(10) && refused.retryAfterSeconds == 10)
        clock.advance(.seconds(4))
        let later = try #require(limiter.check(user: "u", group: "g"))
        #expect(!later.allowed && later.retryAfterSeconds == 6) // refusals do not push the time further out
        clock.advance(.milliseconds(5_500))
        #expect(limiter.check(user: "u", group: "g")?.retryAfterSeconds == 1) // 0.5 s left: rounded up
        clock.advance(.milliseconds(500))
        #expect(limiter.check(user: "u", group: "g")?.allowed == true)
        #expect(limiter.check(user: "u", group: "g")?.allowed == false)
        clock.advance(.seconds(60))
        for _ in 0..<6 { #expect(limiter.check(user: "u", group: "g")?.allowed == true) } // refilled, never above the limit
        #expect(limiter.check(user: "u", group: "g")?.allowed == false)
    }

    @Test func groupsAndUsersAreIndependent() {
        let metrics = TestMetrics()
        let limiter = limiter(["writes": .perHour(2), "reads": .perMinute(3)], metrics: metrics)
        for _ in 0..<2 { #expect(limiter.check(user: "a", group: "writes")?.allowed == true) }
        #expect(limiter.check(user: "a", group: "writes")?.allowed == false)
        for _ in 0..<3 { #expect(limiter.check(user: "a", group: "reads")?.allowed == true) }
        for _ in 0..<2 { #expect(limiter.check(user: "b", group: "writes")?.allowed == true) }
        #expect(limiter.check(user: "b", group: "writes")?.allowed == false)
        #expect(limiter.check(user: "b", group: "reads")?.allowed == true)
        #expect(metrics.counterTotal(label: "geofleet_api_rate_limited_total", dimensions: [("group", "writes")]) == 2)
        #expect(metrics.counterTotal(label: "geofleet_api_rate_limited_total", dimensions: [("group", "reads")]) == 0)
    }

    @Test func unknownAndDisabledGroupsAreNotLimited() {
        let limiter = RateLimiter(configuration: RateLimitConfiguration(fleetWritesPerHour: 0, apiPerMinute: 1), metricsFactory: TestMetrics())
        #expect(limiter.check(user: "u", group: "fleet_write") == nil)
        #expect(limiter.check(user: "u", group: "nope") == nil)
        #expect(limiter.check(user: "u", group: "api")?.allowed == true)
        #expect(limiter.check(user: "u", group: "api")?.allowed == false)
        #expect(!limiter.limitsNothing)
    }

    @Test func aLimiterWithEveryLimitOffLimitsNothing() {
        let off = RateLimiter(
            configuration: RateLimitConfiguration(fleetWritesPerHour: 0, apiPerMinute: 0, routingPerMinute: 0), metricsFactory: TestMetrics())
        #expect(off.limitsNothing)
        #expect(off.check(user: "u", group: "api") == nil)
    }

    @Test func theUserMapStaysBounded() {
        let limiter = limiter(["g": .perHour(10)], maxTrackedUsers: 100)
        for i in 0..<10_000 {
            #expect(limiter.check(user: "user_\(i)", group: "g")?.allowed == true)
            #expect(limiter.trackedUsers <= 100)
        }
        #expect(limiter.trackedUsers > 50)
        // The newest user is kept: its second request leaves 8, not a fresh 9.
        #expect(limiter.check(user: "user_9999", group: "g")?.remaining == 8)
        // Once every bucket has refilled, sweeping forgets everyone (nothing is lost by it).
        clock.advance(.seconds(3600))
        #expect(limiter.sweep() > 0)
        #expect(limiter.trackedUsers == 0)
    }

    @Test func idleUsersAreForgottenBeforeBusyOnes() {
        let limiter = limiter(["g": .perMinute(10)], maxTrackedUsers: 8)
        for _ in 0..<10 { _ = limiter.check(user: "busy", group: "g") }
        clock.advance(.seconds(30)) // busy still needs 30 s to refill; nobody else is idle yet
        for i in 0..<7 { _ = limiter.check(user: "idle_\(i)", group: "g") }
        #expect(limiter.trackedUsers == 8)
        clock.advance(.seconds(7)) // the idle ones have refilled (one request = 6 s), busy has not
        _ = limiter.check(user: "new", group: "g")
        #expect(limiter.trackedUsers == 2)
        // busy was kept: at 37 s its next request leaves 5, where a forgotten (fresh) user would have 9.
        #expect(limiter.check(user: "busy", group: "g")?.remaining == 5)
    }

    @Test func idleUsersAreSweptPeriodically() {
        let limiter = limiter(["g": .perMinute(10)], maxTrackedUsers: 100_000) // sharded
        for i in 0..<1000 { _ = limiter.check(user: "u\(i)", group: "g") }
        #expect(limiter.trackedUsers == 1000)
        clock.advance(.seconds(61))
        for i in 0..<200 { _ = limiter.check(user: "again\(i)", group: "g") } // each touched shard sweeps itself
        #expect(limiter.trackedUsers < 400)
        #expect(limiter.sweep() + limiter.trackedUsers <= 400)
    }

    @Test func shardedMapStaysBoundedToo() {
        let limiter = limiter(["g": .perHour(1)], maxTrackedUsers: 4096)
        for i in 0..<20_000 { _ = limiter.check(user: "user_\(i)", group: "g") }
        #expect(limiter.trackedUsers <= 4096)
        #expect(limiter.trackedUsers > 2048)
    }

    @Test func concurrentRequestsNeverExceedTheLimit() async {
        let limiter = limiter(["g": .perHour(100)])
        let allowed = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var n = 0
                    for _ in 0..<1000 {
                        if limiter.check(user: "hot", group: "g")?.allowed == true { n += 1 }
                    }
                    return n
                }
            }
            return await group.reduce(0, +)
        }
        #expect(allowed == 100)
    }

    @Test func defaultClassifier() {
        let classify = RateLimitConfiguration.defaultClassifier
        #expect(classify(.get, "/healthz") == nil)
        #expect(classify(.get, "/metrics") == nil)
        #expect(classify(.post, "/api/fleet/add") == "fleet_write")
        #expect(classify(.put, "/api/fleet/vehicles/{id}") == "fleet_write")
        #expect(classify(.delete, "/api/fleet/vehicles/{id}") == "fleet_write")
        #expect(classify(.put, "/api/fleet/vehicles/{id}/position") == "fleet_write")
        #expect(classify(.get, "/api/fleet/vehicles") == "api")
        #expect(classify(.get, "/api/fleet/vehicles/{id}/track") == "api")
        #expect(classify(.get, "/api/map/gps") == "api")
        #expect(classify(.post, "/api/routes/estimate") == "routing")
        #expect(classify(.post, "/api/match/cargo") == "routing")
        #expect(classify(.post, "//api//fleet/add") == "fleet_write")
        #expect(classify(.get, "/api") == "api")
        #expect(classify(.post, "api/routes/") == "routing")
        #expect(classify(.get, "/apis/routes") == nil)
        #expect(classify(.get, "/") == nil)
        #expect(classify(.get, "") == nil)
        let defaults = RateLimitConfiguration()
        #expect(defaults.limits["fleet_write"] == .perHour(10))
        #expect(defaults.limits["api"] == .perMinute(120))
        #expect(defaults.limits["routing"] == .perMinute(30))
        #expect(defaults.maxTrackedUsers == 100_000)
        #expect(RateLimit.perHour(10).description == "10 per hour")
    }
}
