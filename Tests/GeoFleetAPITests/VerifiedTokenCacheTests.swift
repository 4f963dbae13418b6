import Foundation
import Testing

@testable import GeoFleetAPI

@Suite struct VerifiedTokenCacheTests {
    let clock = TestClock()

    func authority(cachedTokens: Int = 10_000) async throws -> TokenAuthority {
        let clock = self.clock
        return try await TokenAuthority(
            secret: TestKeys.secret, jwksFile: TestKeys.jwksPath, options: .init(leeway: 5, now: { clock.date }, cachedTokens: cachedTokens))
    }

    func claims(_ sub: String, expiresIn seconds: TimeInterval) -> APIClaims {
        APIClaims(sub: sub, plan: "pro", role: nil, expires: clock.date.addingTimeInterval(seconds), issuedAt: clock.date)
    }

    /// `token` with the character at `offset` from the start of its signature replaced.
    func tampered(_ token: String, signatureOffset offset: Int) -> String {
        var characters = Array(token)
        let index = token.utf8.count - token.split(separator: ".").last!.count + offset
        characters[index] = characters[index] == "A" ? "B" : "A"
        return String(characters)
    }

    @Test func aRepeatedTokenIsAnsweredFromTheCacheWithTheSameClaims() async throws {
        let tokens = try await authority()
        let token = try await tokens.sign(sub: "user_1", plan: "pro", role: "service")
        let first = try await tokens.verify(token)
        #expect(tokens.cachedTokenCount == 1)
        let second = try await tokens.verify(token)
        #expect(second == first)
        #expect(second.sub.value == "user_1" && second.role == "service")
        #expect(tokens.cachedTokenCount == 1)
    }

    @Test func aClerkTokenIsCachedWithItsServiceRoleDropped() async throws {
        let tokens = try await authority()
        let token = try await Tokens.rs256(
            ClerkSessionClaims(plan: "pro", role: "service", now: clock.date), key: try TestKeys.privateKey(), kid: TestKeys.kid)
        #expect(try await tokens.verify(token).role == nil)
        #expect(tokens.cachedTokenCount == 1)
        #expect(try await tokens.verify(token).role == nil)
    }

    @Test func anExpiredEntryIsRefusedAndTheLeewayIsAsBefore() async throws {
        let tokens = try await authority()
        let token = try await tokens.sign(sub: "user_1", plan: "pro", ttl: 60)
        _ = try await tokens.verify(token)
        #expect(tokens.cachedTokenCount == 1)
        clock.advance(.seconds(61))
        // Past exp the cache no longer answers; full verification still grants its 5 s of leeway.
        #expect(try await tokens.verify(token).sub.value == "user_1")
        #expect(tokens.cachedTokenCount == 0)
        clock.advance(.seconds(5))
        await #expect(throws: TokenRejection.expired) { try await tokens.verify(token) }
        #expect(tokens.cachedTokenCount == 0)
    }

    @Test func theCacheNeverAnswersAtOrAfterExp() {
        let cache = VerifiedTokenCache(capacity: 4)
        let now = clock.date
        cache.insert("t", claims: claims("user_1", expiresIn: 10), now: now, leeway: 5)
        #expect(cache.claims(for: "t", now: now.addingTimeInterval(9.9), leeway: 5) != nil)
        #expect(cache.claims(for: "t", now: now.addingTimeInterval(10), leeway: 5) == nil)
        #expect(cache.count == 0)
        cache.insert("late", claims: claims("user_2", expiresIn: -1), now: now, leeway: 5)
        #expect(cache.count == 0)
    }

    @Test func theEntryCountStaysWithinTheBound() {
        let cache = VerifiedTokenCache(capacity: 16)
        let now = clock.date
        for i in 0..<100 {
            cache.insert("token-\(i)", claims: claims("user_\(i)", expiresIn: 3600), now: now, leeway: 5)
            #expect(cache.count <= 16)
        }
        #expect(cache.claims(for: "token-99", now: now, leeway: 5)?.sub.value == "user_99")
    }

    @Test func expiredEntriesAreEvictedFirst() {
        let cache = VerifiedTokenCache(capacity: 4)
        let now = clock.date
        cache.insert("long", claims: claims("user_long", expiresIn: 3600), now: now, leeway: 5)
        for i in 0..<3 { cache.insert("short-\(i)", claims: claims("user_\(i)", expiresIn: 10), now: now, leeway: 5) }
        let later = now.addingTimeInterval(20)
        cache.insert("new", claims: claims("user_new", expiresIn: 3600), now: later, leeway: 5)
        #expect(cache.count == 2)
        #expect(cache.claims(for: "long", now: later, leeway: 5)?.sub.value == "user_long")
    }

    @Test func aTamperedTokenNeverHits() async throws {
        let tokens = try await authority()
        let own = try await tokens.sign(sub: "user_1", plan: "pro")
        let clerk = try await Tokens.rs256(ClerkSessionClaims(now: clock.date), key: try TestKeys.privateKey(), kid: TestKeys.kid)
        for token in [own, clerk] {
            _ = try await tokens.verify(token)
            await #expect(throws: TokenRejection.badSignature) { try await tokens.verify(tampered(token, signatureOffset: 0)) }
            await #expect(throws: TokenRejection.badSignature) { try await tokens.verify(tampered(token, signatureOffset: 5)) }
            // The same signature over another payload (plan trial → pro, or another subject).
            let parts = token.split(separator: ".").map(String.init)
            let forged = try await tokens.sign(sub: "user_2", plan: "pro")
            let spliced = [parts[0], String(forged.split(separator: ".")[1]), parts[2]].joined(separator: ".")
            await #expect(throws: TokenRejection.badSignature) { try await tokens.verify(spliced) }
        }
        #expect(tokens.cachedTokenCount == 2)
    }

    @Test func aCacheOfZeroVerifiesEveryTime() async throws {
        let tokens = try await authority(cachedTokens: 0)
        let token = try await tokens.sign(sub: "user_1", plan: "pro")
        #expect(try await tokens.verify(token).sub.value == "user_1")
        #expect(try await tokens.verify(token).sub.value == "user_1")
        #expect(tokens.cachedTokenCount == 0)
    }
}
