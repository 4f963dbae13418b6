import Synchronization

/// A history batch that did not commit within its deadline.
public struct HistoryWriteTimeout: Error, CustomStringConvertible {
    public let timeout: Duration
    public var description: String { "history write did not finish within \(timeout)" }
}

/// Waits for a task's result or a deadline, whichever comes first, without waiting for the task
/// itself to end (a task stuck on a dead socket may never notice cancellation).
enum Deadline {
    static func race<T: Sendable>(_ task: Task<T, any Error>, timeout: Duration) async throws -> T {
        let slot = OnceContinuation<T>()
        return try await withCheckedThrowingContinuation { continuation in
            slot.install(continuation)
            let timer = Task {
                try? await Task.sleep(for: timeout)
                if !Task.isCancelled { slot.resume(with: .failure(HistoryWriteTimeout(timeout: timeout))) }
            }
            Task {
                let result = await task.result
                timer.cancel()
                slot.resume(with: result)
            }
        }
    }
}

/// A continuation resumed by whichever of several racers comes first; later resumes are ignored.
private final class OnceContinuation<T: Sendable>: Sendable {
    private let state = Mutex<CheckedContinuation<T, any Error>?>(nil)

    func install(_ continuation: CheckedContinuation<T, any Error>) {
        state.withLock { $0 = continuation }
    }

    func resume(with result: Result<T, any Error>) {
        let continuation = state.withLock { s -> CheckedContinuation<T, any Error>? in
            defer { s = nil }
            return s
        }
        continuation?.resume(with: result)
    }
}
