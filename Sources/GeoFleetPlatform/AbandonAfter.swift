import Synchronization

/// Thrown by ``abandon(after:_:)`` when the operation did not finish in time.
public struct OperationTimedOut: Error, CustomStringConvertible {
    public let limit: Duration
    public var description: String { "no answer within \(limit)" }
}

/// Runs `operation` in a task of its own and returns its result, or throws ``OperationTimedOut`` after
/// `limit` and cancels it. Unlike a task group, it does not wait for an operation that ignores
/// cancellation: a client call that never resumes (a connection killed mid-statement) cannot hold the
/// caller, which retries on a fresh connection.
public func abandon<T: Sendable>(after limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    let settled = Once()
    return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let work = Task {
            let result = await Result(catching: operation)
            if settled.claim() { continuation.resume(with: result) }
        }
        Task {
            try? await Task.sleep(for: limit)
            if settled.claim() {
                work.cancel()
                continuation.resume(throwing: OperationTimedOut(limit: limit))
            }
        }
    }
}

/// The first of several racers to claim it wins.
private final class Once: Sendable {
    private let taken = Mutex(false)
    func claim() -> Bool {
        taken.withLock { taken in
            defer { taken = true }
            return !taken
        }
    }
}

extension Result where Failure == any Error {
    /// The result of an async throwing body.
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
