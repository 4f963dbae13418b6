import Foundation

extension UUID {
    /// Lower-case with hyphens, as the API writes ids: what `uuidString.lowercased()` gives, in one
    /// allocation instead of two and no Unicode-aware case mapping (the map writes 100 per answer).
    var apiText: String {
        withUnsafeBytes(of: uuid) { raw in
            String(unsafeUninitializedCapacity: 36) { out in
                var at = 0
                for (index, byte) in raw.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        out[at] = UInt8(ascii: "-")
                        at += 1
                    }
                    out[at] = UUID.lowerHexDigits[Int(byte >> 4)]
                    out[at + 1] = UUID.lowerHexDigits[Int(byte & 0x0F)]
                    at += 2
                }
                return at
            }
        }
    }

    private static let lowerHexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
