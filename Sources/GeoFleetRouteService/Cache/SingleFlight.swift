import Synchronization

/// Runs one computation per key at a time: callers that miss the same key while it is being computed wait for that result.
public final class SingleFlight<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let inFlight = Mutex<[Key: Task<Value, Never>]>([:])

    public init() {}

    /// The value for `key`, computed by `operation` unless a computation for the key is already running.
    /// `joined` tells whether this caller shared another's computation.
    public func run(_ key: Key, _ operation: @escaping @Sendable () async -> Value) async -> (value: Value, joined: Bool) {
        let (task, joined) = inFlight.withLock { tasks -> (Task<Value, Never>, Bool) in
            if let running = tasks[key] { return (running, true) }
            let task = Task { await operation() }
            tasks[key] = task
            return (task, false)
        }
        let value = await task.value
        if !joined { inFlight.withLock { _ = $0.removeValue(forKey: key) } }
        return (value, joined)
    }
}
