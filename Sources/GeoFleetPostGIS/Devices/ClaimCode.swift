import Crypto
import Foundation

/// A device's claim code: 12 Crockford base32 symbols (60 random bits) shown as `XXXX-XXXX-XXXX`,
/// kept only as a salted SHA-256 bound to the device's id.
public enum ClaimCode {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    static let symbols = 12
    static let saltBytes = 16

    /// A new random code, formatted for a label.
    public static func generate() -> String {
        var rng = SystemRandomNumberGenerator()
        let raw = (0..<symbols).map { _ in Character(UnicodeScalar(alphabet[Int(rng.next(upperBound: UInt8(32)))])) }
        return stride(from: 0, to: symbols, by: 4).map { String(raw[$0..<$0 + 4]) }.joined(separator: "-")
    }

    /// What a person typed, as the code it means: case, dashes and spaces ignored, and the letters
    /// Crockford reads as digits (O → 0, I/L → 1); nil when it cannot be a code.
    public static func normalized(_ typed: String) -> String? {
        var out: [UInt8] = []
        for byte in typed.utf8 {
            if byte == UInt8(ascii: "-") || byte == UInt8(ascii: " ") { continue }
            var c = byte
            if (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c) { c -= 32 }
            if c == UInt8(ascii: "O") { c = UInt8(ascii: "0") }
            if c == UInt8(ascii: "I") || c == UInt8(ascii: "L") { c = UInt8(ascii: "1") }
            guard alphabet.contains(c), out.count < symbols else { return nil }
            out.append(c)
        }
        return out.count == symbols ? String(decoding: out, as: UTF8.self) : nil
    }

    /// Salt ‖ SHA-256(salt ‖ device id ‖ 0 ‖ normalized code), with a new random salt.
    static func digest(device: String, code: String) -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        let salt = (0..<saltBytes).map { _ in UInt8.random(in: 0...255, using: &rng) }
        return salt + hash(salt: salt, device: device, code: code)
    }

    /// True when `code` (normalized) is the one `stored` was made from for `device`; constant time.
    static func matches(stored: [UInt8], device: String, code: String) -> Bool {
        guard stored.count == saltBytes + SHA256.byteCount else { return false }
        let expected = hash(salt: Array(stored.prefix(saltBytes)), device: device, code: code)
        var difference: UInt8 = 0
        for (a, b) in zip(stored.dropFirst(saltBytes), expected) { difference |= a ^ b }
        return difference == 0
    }

    private static func hash(salt: [UInt8], device: String, code: String) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: salt)
        hasher.update(data: Array(device.utf8) + [0] + Array(code.utf8))
        return Array(hasher.finalize())
    }
}
