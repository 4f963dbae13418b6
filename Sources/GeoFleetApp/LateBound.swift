import Synchronization

/// A value set once, after the closures that read it were handed out (start-up order).
final class LateBound<Value: Sendable>: Sendable {
    private let slot = Mutex<Value?>(nil)

    var value: Value? { slot.withLock { $0 } }

    func set(_ value: Value) { slot.withLock { $0 = value } }
}
