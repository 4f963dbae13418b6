import Foundation
import GeoFleetAPI
import Hummingbird
import HummingbirdTesting
import JWTKit
import MetricsTestKit
import Testing

/// A small router with the real middlewares in the real order (no database): `/healthz` and `/metrics`
/// outside `/api`, then `AuthMiddleware` and `RateLimitMiddleware` on the `/api` group.
struct TestAPI {
    let clock = TestClock()
    let metrics = TestMetrics()
    let tokens: TokenAuthority
    let limiter: RateLimiter

    init(limits: RateLimitConfiguration = RateLimitConfiguration(fleetWritesPerHour: 3, apiPerMinute: 5, routingPerMinute: 2)) async throws {
        let clock = self.clock
        tokens = try await TokenAuthority(
            secret: TestKeys.secret, jwksFile: TestKeys.jwksPath,
            options: .init(issuer: TestKeys.issuer, now: { clock.date }))
        limiter = RateLimiter(configuration: limits, metricsFactory: metrics, now: { clock.elapsed })
    }

    var application: some ApplicationProtocol {
        let router = Router(context: APIRequestContext.self)
        router.get("/healthz") { _, _ in "ok" }
        router.get("/metrics") { _, _ in "" }
        let api = router.group("api").add(middleware: AuthMiddleware(tokens: tokens)).add(middleware: RateLimitMiddleware(limiter: limiter))
        api.get("fleet/vehicles") { _, context in
            let user = try context.requireUser()
            return "\(user.id) \(user.plan)"
        }
        api.post("fleet/add") { _, context in try context.requireUser().id }
        api.put("fleet/vehicles/:id") { _, context in try context.requireUser().id }
        return Application(router: router)
    }

    func token(_ sub: String, plan: String = "pro", role: String? = nil) async throws -> String {
        try await tokens.sign(sub: sub, plan: plan, role: role)
    }

    func clerkToken(_ sub: String = "user_2clerkUSER", plan: String? = "pro") async throws -> String {
        try await Tokens.rs256(ClerkSessionClaims(sub: sub, plan: plan, now: clock.date), key: try TestKeys.privateKey(), kid: TestKeys.kid)
    }

    var refusedCount: Int64 { metrics.counterTotal(label: RateLimiter.refusedCounterLabel) }
}

func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

func errorMessage(_ response: TestResponse) -> String? {
    guard response.headers[.contentType]?.hasPrefix("application/json") == true else { return nil }
    return (try? JSONDecoder().decode([String: String].self, from: Data(response.body.readableBytesView)))?["error"]
}

func text(_ response: TestResponse) -> String { String(decoding: response.body.readableBytesView, as: UTF8.self) }

@Suite struct AuthMiddlewareTests {
    @Test func missingTokenIs401WithMessage() async throws {
        let api = try await TestAPI()
        try await api.application.test(.router) { client in
            let response = try await client.execute(uri: "/api/fleet/vehicles", method: .get)
            #expect(response.status == .unauthorized)
            #expect(errorMessage(response) == "missing bearer token")
            #expect(response.headers[.wwwAuthenticate] == "Bearer")
            let basic = try await client.execute(uri: "/api/fleet/vehicles", method: .get, headers: [.authorization: "Basic dXNlcjpwYXNz"])
            #expect(basic.status == .unauthorized)
            #expect(errorMessage(basic) == "authorization must be a bearer token")
        }
    }

    @Test func badSignatureIs401WithMessage() async throws {
        let api = try await TestAPI()
        let otherKey = try await Tokens.rs256(ClerkSessionClaims(now: api.clock.date), key: try TestKeys.otherPrivateKey(), kid: TestKeys.kid)
        let otherSecret = try await Tokens.hs256(
            APIClaims(sub: "user_1", plan: "pro", role: nil, expires: api.clock.date.addingTimeInterval(60)),
            secret: TestKeys.secret + "-other")
        try await api.application.test(.router) { client in
            for token in [otherKey, otherSecret] {
                let response = try await client.execute(uri: "/api/fleet/vehicles", method: .get, headers: bearer(token))
                #expect(response.status == .unauthorized)
                #expect(errorMessage(response) == "token signature is invalid")
                #expect(response.headers[.wwwAuthenticate] == #"Bearer error="invalid_token""#)
            }
            let garbage = try await client.execute(uri: "/api/fleet/vehicles", method: .get, headers: bearer("not.a.jwt"))
            #expect(garbage.status == .unauthorized)
            #expect(errorMessage(garbage) == "malformed token")
        }
    }

    @Test func expiredTokenIs401() async throws {
        let api = try await TestAPI()
        let token = try await api.clerkToken()
        api.clock.advance(.seconds(66))
        try await api.application.test(.router) { client in
            let response = try await client.execute(uri: "/api/fleet/vehicles", method: .get, headers: bearer(token))
            #expect(response.status == .unauthorized)
            #expect(errorMessage(response) == "token expired")
        }
    }

    @Test func trialIs403WithAClearMessage() async throws {
        let api = try await TestAPI()
        let trial = try await api.token("user_trial", plan: "trial")
        let clerkWithoutPlan = try await api.clerkToken(plan: nil)
        try await api.application.test(.router) { client in
            for token in [trial, clerkWithoutPlan] {
                let response = try await client.execute(uri: "/api/fleet/vehicles", method: .get, headers: bearer(token))
                #expect(response.status == .forbidden)
                let message = try #require(errorMessage(response))
                #expect(message.contains("require the pro plan"))
                #expect(message.contains("plan is trial"))
            }
        }
    }

    @Test func proIs200ForOwnAndClerkTokens() async throws {
        let api = try await TestAPI()
        let own = try await api.token("user_pro")
        let clerk = try await api.clerkToken("user_2clerkPRO")
        let service = try await api.token("marketplace", plan: "trial", role: "service")
        try await api.application.test(.router) { client in
            let a = try await client.execute(uri: "/api/fleet/vehicles", method: .get, headers: bearer(own))
            #expect(a.status == .ok)
            #expect(text(a) == "user_pro pro")
            let b = try await client.execute(uri: "/api/fleet/vehicles", method: .get, headers: [.authorization: "bearer \(clerk)"])
            #expect(b.status == .ok)
            #expect(text(b) == "user_2clerkPRO pro")
            let c = try await client.execute(uri: "/api/fleet/vehicles", method: .get, headers: bearer(service))
            #expect(c.status == .ok)
        }
    }
}

@Suite struct RateLimitMiddlewareTests {
    @Test func nRequestsPassThenTheNextIs429UntilTheClockMoves() async throws {
        let api = try await TestAPI() // fleet_write: 3 per hour
        let token = try await api.token("user_a")
        try await api.application.test(.router) { client in
            for remaining in [2, 1, 0] {
                let response = try await client.execute(uri: "/api/fleet/add", method: .post, headers: bearer(token))
                #expect(response.status == .ok)
                #expect(response.headers[.rateLimitLimit] == "3")
                #expect(response.headers[.rateLimitRemaining] == "\(remaining)")
            }
            let refused = try await client.execute(uri: "/api/fleet/add", method: .post, headers: bearer(token))
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "1200") // one request every 3600 / 3 s
            #expect(refused.headers[.rateLimitRemaining] == "0")
            #expect(errorMessage(refused)?.contains("rate limit exceeded") == true)
            // Other changes under /api/fleet/ share the group; reads are another group.
            #expect(try await client.execute(uri: "/api/fleet/vehicles/1", method: .put, headers: bearer(token)).status == .tooManyRequests)
            #expect(try await client.execute(uri: "/api/fleet/vehicles", method: .get, headers: bearer(token)).status == .ok)
            #expect(api.refusedCount == 2)
            #expect(api.metrics.counterTotal(label: RateLimiter.refusedCounterLabel, dimensions: [("group", "fleet_write")]) == 2)

            api.clock.advance(.seconds(1199))
            #expect(try await client.execute(uri: "/api/fleet/add", method: .post, headers: bearer(token)).status == .tooManyRequests)
            api.clock.advance(.seconds(1))
            let again = try await client.execute(uri: "/api/fleet/add", method: .post, headers: bearer(token))
            #expect(again.status == .ok)
            #expect(again.headers[.rateLimitRemaining] == "0")
            #expect(try await client.execute(uri: "/api/fleet/add", method: .post, headers: bearer(token)).status == .tooManyRequests)
        }
    }

    @Test func twoUsersHaveIndependentBuckets() async throws {
        let api = try await TestAPI() // api: 5 per minute
        let a = try await api.token("user_a")
        let b = try await api.clerkToken("user_2b")
        try await api.application.test(.router) { client in
            for _ in 0..<5 { #expect(try await client.execute(uri: "/api/fleet/vehicles", method: .get, headers: bearer(a)).status == .ok) }
            let refused = try await client.execute(uri: "/api/fleet/vehicles", method: .get, headers: bearer(a))
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "12")
            for _ in 0..<5 { #expect(try await client.execute(uri: "/api/fleet/vehicles", method: .get, headers: bearer(b)).status == .ok) }
            #expect(try await client.execute(uri: "/api/fleet/vehicles", method: .get, headers: bearer(b)).status == .tooManyRequests)
        }
    }

    @Test func healthMetricsAndServiceTokensAreNotLimited() async throws {
        let api = try await TestAPI()
        let service = try await api.token("marketplace", plan: "pro", role: "service")
        try await api.application.test(.router) { client in
            for _ in 0..<20 {
                #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
                #expect(try await client.execute(uri: "/metrics", method: .get).status == .ok)
                let response = try await client.execute(uri: "/api/fleet/add", method: .post, headers: bearer(service))
                #expect(response.status == .ok)
                #expect(response.headers[.rateLimitLimit] == nil)
            }
        }
        #expect(api.refusedCount == 0)
        #expect(api.limiter.trackedUsers == 0)
    }

    @Test func unauthenticatedRequestsAreRefusedBeforeCounting() async throws {
        let api = try await TestAPI()
        try await api.application.test(.router) { client in
            for _ in 0..<10 {
                let response = try await client.execute(uri: "/api/fleet/add", method: .post)
                #expect(response.status == .unauthorized)
            }
        }
        #expect(api.limiter.trackedUsers == 0)
    }
}
