import Foundation
import JWTKit

/// Verifies API bearer tokens, and signs GeoFleet's own.
///
/// Two kinds of token are accepted, each only with its own keys (so one can never stand in for the other):
/// - `alg: HS256`: GeoFleet's own tokens (`geofleet token`, service tokens), checked with the configured secret.
/// - `alg: RS256`: Clerk session tokens, checked with the public key whose `kid` the token names, from a
///   JWKS document (Clerk's `https://<frontend-api>/.well-known/jwks.json`, saved to a file). A token
///   whose `kid` is not in the set is refused (jwt-kit would otherwise fall back to a default key).
///
/// Every other `alg` (`none`, `HS384`, `RS512`, `ES256`, ...) is refused, as is an HS256 token when no
/// secret is configured and an RS256 token when no JWKS is. `exp` is required; `exp`, `nbf` and `iat` are
/// checked with ``Options/leeway`` seconds of clock skew. For RS256 tokens the issuer (when configured)
/// and the authorized party (when configured and present) are checked, and `role: service` is ignored:
/// only a token signed with GeoFleet's own secret can speak for the marketplace backend.
public struct TokenAuthority: Sendable {
    /// How tokens are checked beyond their signature.
    public struct Options: Sendable {
        /// Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds (default 5; Clerk session tokens live 60 s).
        public var leeway: TimeInterval
        /// When set, an RS256 (JWKS) token must carry this `iss` (Clerk: the frontend API URL, e.g.
        /// `https://clerk.example.com`); a trailing `/` is ignored on both sides. HS256 tokens are not checked.
        public var issuer: String?
        /// When non-empty, an RS256 token that carries `azp` must name one of these origins (Clerk's
        /// advice for session tokens). Empty: not checked.
        public var authorizedParties: Set<String>
        /// The clock (tests move it).
        public var now: @Sendable () -> Date
        /// Verified tokens remembered with their claims, at most (0: every request verifies its token).
        public var cachedTokens: Int

        public init(
            leeway: TimeInterval = 5, issuer: String? = nil, authorizedParties: Set<String> = [],
            now: @escaping @Sendable () -> Date = { Date() }, cachedTokens: Int = 10_000
        ) {
            self.leeway = leeway
            self.issuer = issuer
            self.authorizedParties = authorizedParties
            self.now = now
            self.cachedTokens = cachedTokens
        }
    }

    /// Minimum HS256 key length (RFC 7518 §3.2: at least the hash output size).
    public static let minimumSecretBytes = 32
    /// Longer bearer tokens are refused before any parsing.
    public static let maximumTokenBytes = 16 * 1024

    private let hmac: JWTKeyCollection?
    private let rsa: JWTKeyCollection?
    /// The `kid`s of the JWKS keys in use, sorted.
    public let jwksKeyIDs: [String]
    private let knownKeyIDs: Set<String>
    public let options: Options
    /// Tokens this authority verified, until they expire (its keys never change).
    private let verified: VerifiedTokenCache

    /// HS256 with `secret` only (GeoFleet's own tokens), default options.
    public init(secret: String) async throws {
        try await self.init(secret: secret, jwksJSON: nil)
    }

    /// HS256 with `secret` (nil: no HS256 tokens accepted) and RS256 with the keys of the JWKS document
    /// `jwksJSON` (nil: no RS256 tokens accepted). At least one of the two is required.
    public init(secret: String?, jwksJSON: String?, options: Options = Options()) async throws {
        if let secret {
            guard secret.utf8.count >= Self.minimumSecretBytes else { throw TokenError.secretTooShort(secret.utf8.count) }
            let keys = JWTKeyCollection()
            await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
            hmac = keys
        } else {
            hmac = nil
        }
        if let jwksJSON {
            let usable = try JWKSDocument.rs256Keys(in: jwksJSON)
            let keys = JWTKeyCollection()
            do {
                try await keys.add(jwks: JWKS(keys: usable))
            } catch {
                throw TokenError.invalidJWKS("a key could not be loaded: \(error)")
            }
            rsa = keys
            jwksKeyIDs = usable.compactMap { $0.keyIdentifier?.string }.sorted()
        } else {
            rsa = nil
            jwksKeyIDs = []
        }
        knownKeyIDs = Set(jwksKeyIDs)
        guard hmac != nil || rsa != nil else { throw TokenError.noKeys }
        self.options = options
        verified = VerifiedTokenCache(capacity: options.cachedTokens)
    }

    /// As ``init(secret:jwksJSON:options:)``, reading the JWKS document from the file at `jwksFile`.
    public init(secret: String?, jwksFile: String?, options: Options = Options()) async throws {
        var json: String?
        if let jwksFile {
            do {
                json = try String(contentsOfFile: jwksFile, encoding: .utf8)
            } catch {
                throw TokenError.invalidJWKS("cannot read \(jwksFile): \(error.localizedDescription)")
            }
        }
        try await self.init(secret: secret, jwksJSON: json, options: options)
    }

    /// Whether HS256 tokens (the configured secret) are accepted; ``sign(sub:plan:role:ttl:)`` needs it.
    public var acceptsHS256: Bool { hmac != nil }

    /// An HS256 token for `sub` valid for `ttl` seconds.
    public func sign(sub: String, plan: String, role: String? = nil, ttl: TimeInterval = 3600) async throws -> String {
        guard let hmac else { throw TokenError.noSecret }
        let now = options.now()
        return try await hmac.sign(APIClaims(sub: sub, plan: plan, role: role, expires: now.addingTimeInterval(ttl), issuedAt: now))
    }

    /// The verified claims, or a ``TokenRejection`` saying why the token is not acceptable. A token
    /// verified before and not expired is answered from memory (see ``VerifiedTokenCache``).
    public func verify(_ token: String) async throws(TokenRejection) -> APIClaims {
        let now = options.now()
        if let claims = verified.claims(for: token, now: now, leeway: options.leeway) { return claims }
        let claims = try await verifyInFull(token, now: now)
        verified.insert(token, claims: claims, now: now, leeway: options.leeway)
        return claims
    }

    /// Verified tokens remembered now.
    public var cachedTokenCount: Int { verified.count }

    private func verifyInFull(_ token: String, now: Date) async throws(TokenRejection) -> APIClaims {
        guard token.utf8.count <= Self.maximumTokenBytes else { throw .malformed }
        let header = try Self.header(of: token)
        if let critical = header.crit, !critical.isEmpty { throw .unsupportedHeader }
        var claims: APIClaims
        switch header.alg {
        case "HS256":
            guard let hmac else { throw .unsupportedAlgorithm("HS256") }
            claims = try await Self.verifySignature(token, with: hmac)
        case "RS256":
            guard let rsa else { throw .unsupportedAlgorithm("RS256") }
            guard let kid = header.kid, knownKeyIDs.contains(kid) else { throw .unknownKey }
            claims = try await Self.verifySignature(token, with: rsa)
            try checkIssuer(claims)
            if claims.role == "service" { claims.role = nil }
        default:
            throw .unsupportedAlgorithm(header.alg ?? "none")
        }
        try claims.checkTimes(now: now, leeway: options.leeway)
        return claims
    }

    private func checkIssuer(_ claims: APIClaims) throws(TokenRejection) {
        if let issuer = options.issuer {
            func trimmed(_ s: String) -> Substring { s.hasSuffix("/") ? s.dropLast() : Substring(s) }
            guard let iss = claims.iss?.value, trimmed(iss) == trimmed(issuer) else { throw .wrongIssuer }
        }
        if !options.authorizedParties.isEmpty, let azp = claims.azp, !options.authorizedParties.contains(azp) {
            throw .wrongAuthorizedParty
        }
    }

    /// Signature and payload decoding by jwt-kit; the time claims are checked afterwards, with leeway.
    private static func verifySignature(_ token: String, with keys: JWTKeyCollection) async throws(TokenRejection) -> APIClaims {
        do {
            return try await keys.verify(token, as: SignatureOnly.self).claims
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw .badSignature
        } catch {
            throw .malformed
        }
    }

    /// The protected header fields we act on before choosing a key.
    struct Header: Decodable {
        var alg: String?
        var kid: String?
        var crit: [String]?
    }

    static func header(of token: String) throws(TokenRejection) -> Header {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty,
            let data = base64URLDecoded(parts[0]),
            let header = try? JSONDecoder().decode(Header.self, from: data)
        else { throw .malformed }
        return header
    }

    static func base64URLDecoded(_ text: Substring) -> Data? {
        guard text.utf8.allSatisfy({ $0 < 0x80 && $0 != UInt8(ascii: "=") && $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "/") }) else { return nil }
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        s += String(repeating: "=", count: (4 - s.utf8.count % 4) % 4)
        return Data(base64Encoded: s)
    }
}

/// ``APIClaims`` decoded without jwt-kit's own time checks (``TokenAuthority`` applies its clock and leeway).
private struct SignatureOnly: JWTPayload {
    var claims: APIClaims
    init(from decoder: any Decoder) throws { claims = try APIClaims(from: decoder) }
    func encode(to encoder: any Encoder) throws { try claims.encode(to: encoder) }
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// The RS256 signing keys of a JWKS document, as jwt-kit JWKs with `alg` pinned to RS256.
enum JWKSDocument {
    /// One key as published; fields jwt-kit's `JWK` does not model (`use`) or may refuse to decode
    /// (an unknown `alg` on a key we would skip anyway) are read here first.
    private struct RawKey: Decodable {
        var kty: String?
        var use: String?
        var alg: String?
        var kid: String?
        var n: String?
        var e: String?
    }
    private struct RawSet: Decodable { var keys: [RawKey] }

    /// RSA keys for signatures (`use` absent or `sig`, `alg` absent or `RS256`) that have a `kid`;
    /// other keys are skipped. Throws when none is left or a `kid` repeats.
    static func rs256Keys(in json: String) throws -> [JWK] {
        let set: RawSet
        do {
            set = try JSONDecoder().decode(RawSet.self, from: Data(json.utf8))
        } catch {
            throw TokenError.invalidJWKS("not a JWKS document ({\"keys\": [...]})")
        }
        var seen = Set<String>()
        var keys: [JWK] = []
        for raw in set.keys where raw.kty == "RSA" && (raw.use ?? "sig") == "sig" && (raw.alg ?? "RS256") == "RS256" {
            guard let kid = raw.kid, !kid.isEmpty else { continue }
            guard let n = raw.n, let e = raw.e else { throw TokenError.invalidJWKS("key \(kid) has no modulus or exponent") }
            guard seen.insert(kid).inserted else { throw TokenError.invalidJWKS("kid \(kid) appears twice") }
            keys.append(.rsa(.rs256, identifier: JWKIdentifier(string: kid), modulus: n, exponent: e))
        }
        guard !keys.isEmpty else { throw TokenError.invalidJWKS("no RSA signing key with a kid (RS256) in the set") }
        return keys
    }
}

/// Why a bearer token was refused (answered as 401 by ``AuthMiddleware``).
public enum TokenRejection: Error, Equatable, CustomStringConvertible {
    /// Not three base64url parts with a JSON header, undecodable claims, no `sub`/`exp`, or too long.
    case malformed
    /// `alg` is not HS256/RS256, or names a kind of key that is not configured.
    case unsupportedAlgorithm(String)
    /// The header has `crit` extensions (none are understood).
    case unsupportedHeader
    /// An RS256 token without a `kid`, or with one that is not in the JWKS.
    case unknownKey
    case badSignature
    case expired
    /// `nbf` or `iat` lies in the future beyond the leeway.
    case notYetValid
    case wrongIssuer
    case wrongAuthorizedParty

    /// The message the client gets.
    public var description: String {
        switch self {
        case .malformed: "malformed token"
        case .unsupportedAlgorithm(let alg): "token algorithm \(alg.prefix(16)) is not accepted"
        case .unsupportedHeader: "token has unsupported critical header parameters"
        case .unknownKey: "token signing key (kid) is unknown"
        case .badSignature: "token signature is invalid"
        case .expired: "token expired"
        case .notYetValid: "token is not yet valid"
        case .wrongIssuer: "token issuer is not accepted"
        case .wrongAuthorizedParty: "token authorized party (azp) is not accepted"
        }
    }
}

/// Why a token authority could not be built, or could not sign.
public enum TokenError: Error, CustomStringConvertible {
    case secretTooShort(Int)
    case invalidJWKS(String)
    /// Neither a secret nor a JWKS.
    case noKeys
    /// ``TokenAuthority/sign(sub:plan:role:ttl:)`` without a secret.
    case noSecret

    public var description: String {
        switch self {
        case .secretTooShort(let n): "GEOFLEET_JWT_SECRET must be at least \(TokenAuthority.minimumSecretBytes) bytes for HS256 (got \(n))"
        case .invalidJWKS(let why): "JWKS: \(why)"
        case .noKeys: "no token keys: configure an HS256 secret, a JWKS file, or both"
        case .noSecret: "signing tokens needs the HS256 secret (GEOFLEET_JWT_SECRET)"
        }
    }
}
