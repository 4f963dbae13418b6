import Synchronization

/// Bounds the device lookups that reach PostgreSQL at once: a flood of ids never seen before (each a
/// cache miss) must not take the connection pool the API shares. Past `maxWaiting` queued lookups a
/// new one is refused at once (the device retries) rather than queued without end.
final class LookupGate: Sendable {
    private let limit: Int
    private let maxWaiting: Int
    private let state = Mutex<(running: Int, waiters: [CheckedContinuation<Bool, Never>])>((0, []))

    init(limit: Int = 8, maxWaiting: Int = 1024) {
        self.limit = max(1, limit)
        self.maxWaiting = max(0, maxWaiting)
    }

    /// Waits for a slot; false when too many already wait (then do not call `leave`).
    func enter() async -> Bool {
        await withCheckedContinuation { continuation in
            let answer: Bool? = state.withLock { s in
                if s.running < limit {
                    s.running += 1
                    return true
                }
                guard s.waiters.count < maxWaiting else { return false }
                s.waiters.append(continuation)
                return nil
            }
            if let answer { continuation.resume(returning: answer) }
        }
    }

    /// Gives the slot back, to the longest waiter if any.
    func leave() {
        let next = state.withLock { s -> CheckedContinuation<Bool, Never>? in
            guard !s.waiters.isEmpty else {
                s.running -= 1
                return nil
            }
            return s.waiters.removeFirst()
        }
        next?.resume(returning: true)
    }
}
