import Foundation
import JWTKit

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
