import Crypto

/// The `X-GeoFleet-Signature` value: `sha256=` and the lowercase hex HMAC-SHA256 of the exact body bytes.
public enum WebhookSignature {
    public static func header(secret: String, body: [UInt8]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + mac.map { hexDigits[Int($0 >> 4)] + hexDigits[Int($0 & 0x0F)] }.joined()
    }

    private static let hexDigits = "0123456789abcdef".map { String($0) }
}
