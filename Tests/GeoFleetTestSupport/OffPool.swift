import Dispatch

/// Runs a blocking call (poll, connect, waitpid) on a Dispatch thread instead of Swift's cooperative
/// pool: tests run the engine in-process, and a test blocking one of the pool's few threads can starve
/// the very engine it is waiting for.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try body() })
        }
    }
}
