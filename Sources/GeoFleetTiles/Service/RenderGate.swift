import Synchronization

/// At most `limit` renders at once and `queue` waiting; past that a request is refused at once rather than
/// piling up memory and latency (a flood of distinct tiles meets this).
final class RenderGate: Sendable {
    private struct State {
        var running = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    let limit: Int
    let queue: Int
    private let state = Mutex(State())

    init(limit: Int, queue: Int) {
        self.limit = max(1, limit)
        self.queue = max(0, queue)
    }

    /// Waits for a slot; false when the queue is full (nothing is held then).
    func enter() async -> Bool {
        enum Decision { case run, wait, refuse }
        let now = state.withLock { s -> Decision in
            if s.running < limit {
                s.running += 1
                return .run
            }
            return s.waiting.count < queue ? .wait : .refuse
        }
        switch now {
        case .run: return true
        case .refuse: return false
        case .wait:
            await withCheckedContinuation { continuation in
                let runNow = state.withLock { s -> Bool in
                    // A slot may have freed between the two locks.
                    if s.running < limit {
                        s.running += 1
                        return true
                    }
                    s.waiting.append(continuation)
                    return false
                }
                if runNow { continuation.resume() }
            }
            return true
        }
    }

    /// Hands the slot to the next waiter, or frees it.
    func leave() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if s.waiting.isEmpty {
                s.running -= 1
                return nil
            }
            return s.waiting.removeFirst()
        }
        next?.resume()
    }
}
