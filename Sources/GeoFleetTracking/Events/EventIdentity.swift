import Crypto
import Foundation

/// Deterministic event ids: the same cause (a replayed position after a crash) gives the same id, so
/// the event log stores it once and receivers can de-duplicate.
enum EventIdentity {
    /// A UUID (version 8, RFC 9562 "custom") from the SHA-256 of the parts.
    static func id(_ parts: String...) -> UUID {
        var hasher = SHA256()
        for part in parts {
            hasher.update(data: Data(part.utf8))
            hasher.update(data: Data([0]))
        }
        var bytes = Array(hasher.finalize().prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10], bytes[11],
                bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }
}
