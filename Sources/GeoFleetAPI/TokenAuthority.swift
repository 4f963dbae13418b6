import Foundation
import JWTKit

/// The claims GeoFleet reads from a bearer token.
public struct APIClaims: JWTPayload, Equatable {
    public var sub: SubjectClaim
    public var plan: String
    public var role: String?
    public var exp: ExpirationClaim
    public var nbf: NotBeforeClaim?
    public var iat: IssuedAtClaim?

    public init(sub: String, plan: String, role: String?, expires: Date, notBefore: Date? = nil, issuedAt: Date = Date()) {
        self.sub = SubjectClaim(value: sub)
        self.plan = plan
        self.role = role
        self.exp = ExpirationClaim(value: expires)
        self.nbf = notBefore.map { NotBeforeClaim(value: $0) }
        self.iat = IssuedAtClaim(value: issuedAt)
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        try nbf?.verifyNotBefore()
    }
}

/// Signs and verifies API tokens (HS256 with the configured secret).
public struct TokenAuthority: Sendable {
    private let keys: JWTKeyCollection

    /// Minimum HS256 key length (RFC 7518 §3.2: at least the hash output size).
    public static let minimumSecretBytes = 32

    public init(secret: String) async throws {
        guard secret.utf8.count >= Self.minimumSecretBytes else { throw TokenError.secretTooShort(secret.utf8.count) }
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.keys = keys
    }

    /// A token for `sub` valid for `ttl` seconds.
    public func sign(sub: String, plan: String, role: String? = nil, ttl: TimeInterval = 3600) async throws -> String {
        try await keys.sign(APIClaims(sub: sub, plan: plan, role: role, expires: Date().addingTimeInterval(ttl)))
    }

    /// The verified claims, or an error saying why the token is not acceptable.
    public func verify(_ token: String) async throws -> APIClaims {
        try await keys.verify(token, as: APIClaims.self)
    }
}

/// Why a token authority could not be built.
public enum TokenError: Error, CustomStringConvertible {
    case secretTooShort(Int)

    public var description: String {
        switch self {
        case .secretTooShort(let n): "GEOFLEET_JWT_SECRET must be at least \(TokenAuthority.minimumSecretBytes) bytes for HS256 (got \(n))"
        }
    }
}
