import Synchronization

/// Caps the live streams each user holds open at once: every stream keeps a subscription, a buffer
/// and a socket, so one token must not be able to open them without bound.
public final class StreamSlots: Sendable {
    /// Streams one user may hold at once.
    public let perUser: Int
    private let open = Mutex<[String: Int]>([:])

    public init(perUser: Int) {
        self.perUser = max(1, perUser)
    }

    /// Whether the user could open another stream now (checked before the upgrade, for a 429).
    public func hasRoom(for user: String) -> Bool {
        open.withLock { ($0[user] ?? 0) < perUser }
    }

    /// Takes a slot; false when the user already holds `perUser` streams.
    public func acquire(_ user: String) -> Bool {
        open.withLock { counts in
            let held = counts[user] ?? 0
            guard held < perUser else { return false }
            counts[user] = held + 1
            return true
        }
    }

    /// Gives a slot back.
    public func release(_ user: String) {
        open.withLock { counts in
            let held = (counts[user] ?? 1) - 1
            counts[user] = held > 0 ? held : nil
        }
    }

    /// Streams the user holds now.
    public func held(by user: String) -> Int { open.withLock { $0[user] ?? 0 } }
}
