import Dispatch
import Synchronization

/// A Redis connection opened on first use and again on the next use after any failure, for callers to
/// whom Redis is optional. hiredis calls block, so they run one at a time on a serial queue of its own,
/// never on the cooperative pool.
public final class ReconnectingRedis: Sendable {
    private let connect: @Sendable () throws -> RedisConnection
    private let connection = Mutex<RedisConnection?>(nil)
    private let queue: DispatchQueue

    /// `label` names the queue; `connect` opens a connection (again after a failure).
    public init(label: String, connect: @escaping @Sendable () throws -> RedisConnection) {
        queue = DispatchQueue(label: label)
        self.connect = connect
    }

    /// Queues `work` on the queue and returns at once; `work` may call ``withConnection(_:)``.
    public func submit(_ work: @escaping @Sendable () -> Void) {
        queue.async(execute: work)
    }

    /// `body` on the queue with the connection; its result, or the error of connecting or of `body`.
    public func run<T: Sendable>(_ body: @escaping @Sendable (RedisConnection) throws -> T) async -> Result<T, any Error> {
        await withCheckedContinuation { continuation in
            queue.async { [self] in
                continuation.resume(returning: Result { try withConnection(body) })
            }
        }
    }

    /// Waits until all work queued so far has run.
    public func flush() async {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume() }
        }
    }

    /// Calls `body` with the connection, opening it first when there is none. Any error drops the
    /// connection, so that the next call opens a new one. Only from work running on the queue.
    public func withConnection<T>(_ body: (RedisConnection) throws -> T) throws -> T {
        do {
            let redis = try connection.withLock { current -> RedisConnection in
                if let current { return current }
                let fresh = try connect()
                current = fresh
                return fresh
            }
            return try body(redis)
        } catch {
            connection.withLock { $0 = nil }
            throw error
        }
    }
}
