import Foundation
import JWTKit

/// The claims GeoFleet reads from a bearer token: GeoFleet's own HS256 tokens (`geofleet token`) and
/// Clerk session tokens (RS256) alike.
///
/// Decoding is lenient where Clerk's session-token template may leave a custom claim out: a missing,
/// empty, null or non-string `plan` reads as ``defaultPlan`` (`trial`), a non-string `role`/`azp`/`sid`
/// as absent. `sub` and `exp` are required.
public struct APIClaims: JWTPayload, Equatable {
    public var sub: SubjectClaim
    /// `pro` or `trial`; ``defaultPlan`` when the token carries none.
    public var plan: String
    public var role: String?
    public var exp: ExpirationClaim
    public var nbf: NotBeforeClaim?
    public var iat: IssuedAtClaim?
    /// Clerk: the instance's frontend API URL. GeoFleet's own tokens carry none.
    public var iss: IssuerClaim?
    /// Clerk: the origin the session token was made for.
    public var azp: String?
    /// Clerk: the session id.
    public var sid: String?

    /// The plan of a token without a `plan` claim (a Clerk session token whose template does not add one).
    public static let defaultPlan = "trial"

    enum CodingKeys: String, CodingKey {
        case sub, plan, role, exp, nbf, iat, iss, azp, sid
    }

    public init(
        sub: String, plan: String, role: String?, expires: Date, notBefore: Date? = nil, issuedAt: Date = Date(),
        issuer: String? = nil, authorizedParty: String? = nil, sessionID: String? = nil
    ) {
        self.sub = SubjectClaim(value: sub)
        self.plan = plan
        self.role = role
        self.exp = ExpirationClaim(value: expires)
        self.nbf = notBefore.map { NotBeforeClaim(value: $0) }
        self.iat = IssuedAtClaim(value: issuedAt)
        self.iss = issuer.map { IssuerClaim(value: $0) }
        self.azp = authorizedParty
        self.sid = sessionID
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sub = try c.decode(SubjectClaim.self, forKey: .sub)
        let plan = try? c.decodeIfPresent(String.self, forKey: .plan)
        self.plan = plan.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultPlan
        role = try? c.decodeIfPresent(String.self, forKey: .role)
        exp = try c.decode(ExpirationClaim.self, forKey: .exp)
        nbf = try c.decodeIfPresent(NotBeforeClaim.self, forKey: .nbf)
        iat = try c.decodeIfPresent(IssuedAtClaim.self, forKey: .iat)
        iss = try c.decodeIfPresent(IssuerClaim.self, forKey: .iss)
        azp = try? c.decodeIfPresent(String.self, forKey: .azp)
        sid = try? c.decodeIfPresent(String.self, forKey: .sid)
    }

    /// jwt-kit's hook, for callers that verify with their own key collection: the time claims
    /// without leeway. ``TokenAuthority`` does not use it; it checks with its clock and leeway.
    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try checkTimes(now: Date(), leeway: 0)
    }

    /// `exp`, `nbf` and `iat` against `now`, each allowing `leeway` seconds of clock skew:
    /// expired when `now >= exp + leeway`; not yet valid when `now + leeway < nbf` or `now + leeway < iat`.
    public func checkTimes(now: Date, leeway: TimeInterval) throws(TokenRejection) {
        if now >= exp.value.addingTimeInterval(leeway) { throw .expired }
        if let nbf, now.addingTimeInterval(leeway) < nbf.value { throw .notYetValid }
        if let iat, now.addingTimeInterval(leeway) < iat.value { throw .notYetValid }
    }
}
