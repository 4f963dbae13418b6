import Synchronization

/// A port number that becomes known once a listener is up; waiters are resumed then.
public final class PortSignal: Sendable {
    public init() {}

    private let state = Mutex<(port: Int?, waiters: [CheckedContinuation<Int, Never>])>((nil, []))

    public func set(_ port: Int) {
        let waiters = state.withLock { s in
            s.port = port
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.resume(returning: port) }
    }

    public func wait() async -> Int {
        await withCheckedContinuation { continuation in
            let ready: Int? = state.withLock { s in
                if let port = s.port { return port }
                s.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
