import Foundation
import GeoFleetAPI
import GeoFleetPlatform
import JWTKit
import Synchronization

/// The test-only keys in `fixtures/jwks/` (see `make_jwks.py` there).
enum TestKeys {
    static let kid = "ins_geofleet_test_1"
    static let secret = "geofleet-api-tests-secret-0123456789abcdef"
    static let issuer = "https://clerk.geofleet.test"
    static let origin = "https://app.fletopia.test"

    static var directory: URL {
        guard let url = RepositoryRoot.file("fixtures/jwks/jwks.json") else { fatalError("fixtures/jwks not found above \(#filePath)") }
        return url.deletingLastPathComponent()
    }

    static func text(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    static var jwksPath: String { directory.appendingPathComponent("jwks.json").path }
    static func jwksJSON() throws -> String { try text("jwks.json") }
    static func privateKey() throws -> Insecure.RSA.PrivateKey { try Insecure.RSA.PrivateKey(pem: try text("test-rsa-private.pem")) }
    static func otherPrivateKey() throws -> Insecure.RSA.PrivateKey { try Insecure.RSA.PrivateKey(pem: try text("other-rsa-private.pem")) }
    static func publicKeyPEM() throws -> String { try text("test-rsa-public.pem") }
}

/// The claims of a Clerk session token, as Clerk writes them (integer times; `plan`/`role` from the template).
struct ClerkSessionClaims: JWTPayload {
    var sub: String
    var iss: String = TestKeys.issuer
    var azp: String = TestKeys.origin
    var sid: String = "sess_2abcDEFghiJKLmnoPQR"
    var exp: Int
    var nbf: Int
    var iat: Int
    var plan: String?
    var role: String?

    /// Issued at `now`, valid from 10 s before (Clerk backdates `nbf` a little), for 60 s like Clerk's.
    init(sub: String = "user_2abcDEFghiJKLmnoPQRstu", plan: String? = "pro", role: String? = nil, now: Date, lifetime: Int = 60) {
        let t = Int(now.timeIntervalSince1970)
        self.sub = sub
        self.plan = plan
        self.role = role
        iat = t
        nbf = t - 10
        exp = t + lifetime
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

enum Tokens {
    /// RS256 signed with `key`, the header naming `kid` (nil: no kid).
    static func rs256(_ payload: some JWTPayload, key: Insecure.RSA.PrivateKey, kid: String?, digest: DigestAlgorithm = .sha256) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(rsa: key, digestAlgorithm: digest, kid: kid.map { JWKIdentifier(string: $0) })
        return try await keys.sign(payload, kid: kid.map { JWKIdentifier(string: $0) })
    }

    /// HS256 with `secret`, the header naming `kid` when given.
    static func hs256(_ payload: some JWTPayload, secret: String, kid: String? = nil) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256, kid: kid.map { JWKIdentifier(string: $0) })
        return try await keys.sign(payload, kid: kid.map { JWKIdentifier(string: $0) })
    }

    /// A token with the given header and payload JSON and signature, by hand.
    static func raw(header: String, payload: some Encodable, signature: String = "") throws -> String {
        let body = try JSONEncoder().encode(payload)
        return base64URL(Data(header.utf8)) + "." + base64URL(body) + "." + signature
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// A settable clock for the authority (wall time) and the rate limiter (monotonic), shared by a test.
final class TestClock: Sendable {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    private let offset = Mutex<Duration>(.zero)

    var elapsed: Duration { offset.withLock { $0 } }
    var date: Date {
        let (s, atto) = elapsed.components
        return Self.start.addingTimeInterval(Double(s) + Double(atto) / 1e18)
    }

    func advance(_ by: Duration) { offset.withLock { $0 += by } }
}
