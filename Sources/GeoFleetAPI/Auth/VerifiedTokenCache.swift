import Foundation
import Synchronization

/// Bearer tokens already verified, with their claims: a repeated token skips signature checking and
/// JSON decoding, which cost more than a nearby or map answer itself.
///
/// Keyed by the exact token string, so a token that differs in any byte (a tampered one) is never a
/// hit. A hit needs `now < exp` and the time checks a full verification makes (same clock and leeway);
/// from `exp` on the entry is dropped and the token goes through full verification again, so whatever
/// leeway the authority grants past `exp` is granted exactly as before. The keys a token was checked
/// with are fixed for the life of its ``TokenAuthority``, so a verified token stays verified until it
/// expires. Bounded: when full, expired entries go first, then an arbitrary eighth.
final class VerifiedTokenCache: Sendable {
    /// Entries held at most.
    let capacity: Int
    /// Longer tokens are verified every time: the bound is on entries, and these would make it costly.
    static let maximumTokenBytes = 4096

    private let entries = Mutex<[String: APIClaims]>([:])

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// Entries held now.
    var count: Int { entries.withLock { $0.count } }

    /// The claims `token` was verified with, while they are still good at `now`; nil otherwise.
    func claims(for token: String, now: Date, leeway: TimeInterval) -> APIClaims? {
        guard capacity > 0, let claims = entries.withLock({ $0[token] }) else { return nil }
        if Self.usable(claims, now: now, leeway: leeway) { return claims }
        _ = entries.withLock { $0.removeValue(forKey: token) }
        return nil
    }

    /// Remembers the claims of a token that was just verified at `now`.
    func insert(_ token: String, claims: APIClaims, now: Date, leeway: TimeInterval) {
        guard capacity > 0, token.utf8.count <= Self.maximumTokenBytes, Self.usable(claims, now: now, leeway: leeway) else { return }
        let capacity = self.capacity
        entries.withLock { entries in
            if entries[token] == nil, entries.count >= capacity {
                entries = entries.filter { Self.usable($0.value, now: now, leeway: leeway) }
                if entries.count >= capacity {
                    for key in Array(entries.keys.prefix(max(1, capacity / 8))) { entries.removeValue(forKey: key) }
                }
            }
            entries[token] = claims
        }
    }

    static func usable(_ claims: APIClaims, now: Date, leeway: TimeInterval) -> Bool {
        guard now < claims.exp.value else { return false }
        do {
            try claims.checkTimes(now: now, leeway: leeway)
            return true
        } catch {
            return false
        }
    }
}
