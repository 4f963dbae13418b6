import Foundation
import JWTKit

/// Test tokens signed (or assembled) by hand.
enum Tokens {
    /// RS256 signed with `key`, the header naming `kid` (nil: no kid).
    static func rs256(_ payload: some JWTPayload, key: Insecure.RSA.PrivateKey, kid: String?, digest: DigestAlgorithm = .sha256) async throws
        -> String
    {
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
