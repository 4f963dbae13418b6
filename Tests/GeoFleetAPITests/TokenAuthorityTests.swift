import Foundation
import GeoFleetAPI
import JWTKit
import Testing

@Suite struct TokenAuthorityTests {
    let clock = TestClock()

    func authority(secret: String? = TestKeys.secret, issuer: String? = nil, authorizedParties: Set<String> = []) async throws -> TokenAuthority {
        let clock = self.clock
        return try await TokenAuthority(
            secret: secret, jwksFile: TestKeys.jwksPath,
            options: .init(leeway: 5, issuer: issuer, authorizedParties: authorizedParties, now: { clock.date }))
    }

    func rejection(_ token: String, by authority: TokenAuthority) async -> TokenRejection? {
        do {
            _ = try await authority.verify(token)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Clerk session tokens (RS256 from the JWKS)

    @Test func acceptsAClerkSessionTokenSignedWithAJWKSKey() async throws {
        let tokens = try await authority(issuer: TestKeys.issuer)
        #expect(tokens.jwksKeyIDs == [TestKeys.kid])
        let token = try await Tokens.rs256(ClerkSessionClaims(plan: "pro", now: clock.date), key: try TestKeys.privateKey(), kid: TestKeys.kid)
        let claims = try await tokens.verify(token)
        #expect(claims.sub.value == "user_2abcDEFghiJKLmnoPQRstu")
        #expect(claims.plan == "pro")
        #expect(claims.role == nil)
        #expect(claims.iss?.value == TestKeys.issuer)
        #expect(claims.azp == TestKeys.origin)
        #expect(claims.sid == "sess_2abcDEFghiJKLmnoPQR")
    }

    @Test func aClerkTokenWithoutPlanIsTrial() async throws {
        let tokens = try await authority()
        let token = try await Tokens.rs256(ClerkSessionClaims(plan: nil, now: clock.date), key: try TestKeys.privateKey(), kid: TestKeys.kid)
        #expect(try await tokens.verify(token).plan == "trial")
    }

    @Test func aClerkTokenCannotClaimTheServiceRole() async throws {
        let tokens = try await authority()
        let token = try await Tokens.rs256(
            ClerkSessionClaims(plan: "trial", role: "service", now: clock.date), key: try TestKeys.privateKey(), kid: TestKeys.kid)
        #expect(try await tokens.verify(token).role == nil)
        let own = try await tokens.sign(sub: "marketplace", plan: "pro", role: "service")
        #expect(try await tokens.verify(own).role == "service")
    }

    @Test func refusesATokenSignedByAnotherKey() async throws {
        let tokens = try await authority()
        let token = try await Tokens.rs256(ClerkSessionClaims(now: clock.date), key: try TestKeys.otherPrivateKey(), kid: TestKeys.kid)
        #expect(await rejection(token, by: tokens) == .badSignature)
    }

    @Test func refusesATamperedPayload() async throws {
        let tokens = try await authority()
        let token = try await Tokens.rs256(ClerkSessionClaims(plan: "trial", now: clock.date), key: try TestKeys.privateKey(), kid: TestKeys.kid)
        let parts = token.split(separator: ".").map(String.init)
        let forged = ClerkSessionClaims(plan: "pro", now: clock.date)
        let payload = Tokens.base64URL(try JSONEncoder().encode(forged))
        #expect(await rejection([parts[0], payload, parts[2]].joined(separator: "."), by: tokens) == .badSignature)
    }

    @Test func refusesAnUnknownOrMissingKid() async throws {
        let tokens = try await authority()
        let key = try TestKeys.privateKey()
        let wrongKid = try await Tokens.rs256(ClerkSessionClaims(now: clock.date), key: key, kid: "ins_unknown")
        #expect(await rejection(wrongKid, by: tokens) == .unknownKey)
        let noKid = try await Tokens.rs256(ClerkSessionClaims(now: clock.date), key: key, kid: nil)
        #expect(await rejection(noKid, by: tokens) == .unknownKey)
    }

    @Test func checksExpiryWithFiveSecondsLeeway() async throws {
        let tokens = try await authority()
        let key = try TestKeys.privateKey()
        let token = try await Tokens.rs256(ClerkSessionClaims(now: clock.date, lifetime: 60), key: key, kid: TestKeys.kid)
        clock.advance(.seconds(64))
        #expect(await rejection(token, by: tokens) == nil) // 4 s past exp: within the leeway
        clock.advance(.seconds(2))
        #expect(await rejection(token, by: tokens) == .expired) // 6 s past exp
    }

    @Test func refusesANotYetValidToken() async throws {
        let tokens = try await authority()
        let key = try TestKeys.privateKey()
        var claims = ClerkSessionClaims(now: clock.date)
        claims.nbf = Int(clock.date.timeIntervalSince1970) + 6
        #expect(await rejection(try await Tokens.rs256(claims, key: key, kid: TestKeys.kid), by: tokens) == .notYetValid)
        claims.nbf = Int(clock.date.timeIntervalSince1970) + 4
        #expect(await rejection(try await Tokens.rs256(claims, key: key, kid: TestKeys.kid), by: tokens) == nil)
        var future = ClerkSessionClaims(now: clock.date.addingTimeInterval(30))
        future.nbf = Int(clock.date.timeIntervalSince1970)
        #expect(await rejection(try await Tokens.rs256(future, key: key, kid: TestKeys.kid), by: tokens) == .notYetValid) // iat 30 s ahead
    }

    @Test func refusesAlgNone() async throws {
        let tokens = try await authority()
        let claims = ClerkSessionClaims(now: clock.date)
        for header in [#"{"alg":"none","typ":"JWT"}"#, #"{"alg":"none","kid":"ins_geofleet_test_1"}"#, #"{"alg":"NONE"}"#, #"{"typ":"JWT"}"#] {
            let token = try Tokens.raw(header: header, payload: claims)
            #expect(await rejection(token, by: tokens) != nil, "\(header)")
        }
        #expect(await rejection(try Tokens.raw(header: #"{"alg":"none"}"#, payload: claims), by: tokens) == .unsupportedAlgorithm("none"))
    }

    @Test func refusesHS256ForgedWithTheRSAPublicKey() async throws {
        let claims = ClerkSessionClaims(now: clock.date)
        let pem = try TestKeys.publicKeyPEM()
        let forgedPEM = try await Tokens.hs256(claims, secret: pem, kid: TestKeys.kid)
        let forgedJWKS = try await Tokens.hs256(claims, secret: try TestKeys.jwksJSON(), kid: TestKeys.kid)
        let forgedNoKid = try await Tokens.hs256(claims, secret: pem)
        // With an HS256 secret configured, HS256 is checked against that secret only.
        let both = try await authority()
        #expect(await rejection(forgedPEM, by: both) == .badSignature)
        #expect(await rejection(forgedJWKS, by: both) == .badSignature)
        #expect(await rejection(forgedNoKid, by: both) == .badSignature)
        // JWKS only: no HS256 at all.
        let jwksOnly = try await authority(secret: nil)
        #expect(await rejection(forgedPEM, by: jwksOnly) == .unsupportedAlgorithm("HS256"))
        #expect(await rejection(forgedNoKid, by: jwksOnly) == .unsupportedAlgorithm("HS256"))
    }

    @Test func refusesOtherAlgorithmsEvenWithTheRightKey() async throws {
        let tokens = try await authority()
        let token = try await Tokens.rs256(ClerkSessionClaims(now: clock.date), key: try TestKeys.privateKey(), kid: TestKeys.kid, digest: .sha512)
        #expect(await rejection(token, by: tokens) == .unsupportedAlgorithm("RS512"))
    }

    @Test func checksTheIssuerWhenConfigured() async throws {
        let key = try TestKeys.privateKey()
        let token = try await Tokens.rs256(ClerkSessionClaims(now: clock.date), key: key, kid: TestKeys.kid)
        #expect(await rejection(token, by: try await authority(issuer: TestKeys.issuer + "/")) == nil)
        #expect(await rejection(token, by: try await authority(issuer: "https://clerk.other.test")) == .wrongIssuer)
        #expect(await rejection(token, by: try await authority(issuer: nil)) == nil)
        // GeoFleet's own HS256 tokens carry no issuer and are not checked.
        let own = try await authority(issuer: TestKeys.issuer)
        #expect(await rejection(try await own.sign(sub: "user_1", plan: "pro"), by: own) == nil)
    }

    @Test func checksTheAuthorizedPartyWhenConfigured() async throws {
        let token = try await Tokens.rs256(ClerkSessionClaims(now: clock.date), key: try TestKeys.privateKey(), kid: TestKeys.kid)
        #expect(await rejection(token, by: try await authority(authorizedParties: [TestKeys.origin])) == nil)
        #expect(await rejection(token, by: try await authority(authorizedParties: ["https://evil.test"])) == .wrongAuthorizedParty)
    }

    @Test func refusesMalformedTokens() async throws {
        let tokens = try await authority()
        for token in ["", "not.a.jwt", "a.b", "....", "eyJhbGciOiJIUzI1NiJ9.e30", String(repeating: "a", count: 20_000)] {
            #expect(await rejection(token, by: tokens) == .malformed, "\(token.prefix(20))")
        }
        // Signed, but without the required exp.
        struct NoExpiry: JWTPayload { var sub = "user_1"; var plan = "pro"; func verify(using algorithm: some JWTAlgorithm) async throws {} }
        #expect(await rejection(try await Tokens.hs256(NoExpiry(), secret: TestKeys.secret), by: tokens) == .malformed)
    }

    // MARK: GeoFleet's own HS256 tokens

    @Test func ownHS256TokensStillWork() async throws {
        let tokens = try await TokenAuthority(secret: TestKeys.secret)
        #expect(tokens.jwksKeyIDs.isEmpty)
        let claims = try await tokens.verify(try await tokens.sign(sub: "user_1", plan: "pro"))
        #expect(claims.sub.value == "user_1" && claims.plan == "pro" && claims.iss == nil)
        let rs = try await Tokens.rs256(ClerkSessionClaims(now: Date()), key: try TestKeys.privateKey(), kid: TestKeys.kid)
        #expect(await rejection(rs, by: tokens) == .unsupportedAlgorithm("RS256"))
        let wrongSecret = try await Tokens.hs256(
            APIClaims(sub: "user_1", plan: "pro", role: nil, expires: Date().addingTimeInterval(60)),
            secret: TestKeys.secret + "x")
        #expect(await rejection(wrongSecret, by: tokens) == .badSignature)
    }

    // MARK: Loading

    @Test func loadingTheJWKSSkipsKeysItCannotUseAndRefusesBadSets() async throws {
        let jwks = try JSONSerialization.jsonObject(with: Data(try TestKeys.jwksJSON().utf8)) as! [String: [[String: String]]]
        let rsa = jwks["keys"]![0]
        let ec: [String: String] = ["kty": "EC", "kid": "ec1", "alg": "ES256", "crv": "P-256", "x": "AA", "y": "AA"]
        var enc = rsa
        enc["use"] = "enc"
        enc["kid"] = "enc1"
        var oaep = rsa
        oaep["alg"] = "RSA-OAEP-256"
        oaep["kid"] = "oaep1"
        func json(_ keys: [[String: String]]) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: ["keys": keys]), as: UTF8.self)
        }
        let mixed = try await TokenAuthority(secret: nil, jwksJSON: try json([ec, enc, oaep, rsa]))
        #expect(mixed.jwksKeyIDs == [TestKeys.kid])
        let token = try await Tokens.rs256(ClerkSessionClaims(now: Date()), key: try TestKeys.privateKey(), kid: TestKeys.kid)
        #expect(try await mixed.verify(token).plan == "pro")

        await #expect(throws: TokenError.self) { try await TokenAuthority(secret: nil, jwksJSON: try json([ec, enc])) }
        await #expect(throws: TokenError.self) { try await TokenAuthority(secret: nil, jwksJSON: try json([rsa, rsa])) }
        await #expect(throws: TokenError.self) { try await TokenAuthority(secret: nil, jwksJSON: "[]") }
        await #expect(throws: TokenError.self) { try await TokenAuthority(secret: nil, jwksFile: "/nonexistent/jwks.json") }
        await #expect(throws: TokenError.self) { try await TokenAuthority(secret: nil, jwksJSON: nil) }
        await #expect(throws: TokenError.self) { try await TokenAuthority(secret: "short") }
    }
}
