import Foundation
import GeoFleetPlatform
import GeoFleetTestSupport
import JWTKit

/// The test-only keys in `fixtures/jwks/` (see `make_jwks.py` there).
enum TestKeys {
    static let kid = "ins_geofleet_test_1"
    static let secret = "geofleet-api-tests-secret-0123456789abcdef"
    static let issuer = "https://clerk.geofleet.test"
    static let origin = "https://app.fletopia.test"

    static var directory: URL {
        guard let jwks = RepositoryRoot.file("fixtures/jwks/jwks.json") else { fatalError("fixtures/jwks not found above \(#filePath)") }
        return jwks.deletingLastPathComponent()
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
