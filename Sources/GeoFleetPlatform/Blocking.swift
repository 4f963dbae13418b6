import Dispatch
import Foundation
import NIOPosix

/// Runs blocking work (syscalls that wait, child processes, long CPU work) away from Swift's cooperative
/// pool, whose few threads every task of the process shares: one of them blocked can stall the very work
/// it waits for.
public enum Blocking {
    /// Runs `body` on a thread of Dispatch's global queue and returns its result. For calls that block
    /// for a moment or compute for a while (connect, poll, graph builds, matrices). Dispatch's threads are
    /// few on a small machine and seconds of waiting there can hold up the cooperative pool as well: use
    /// `onOwnThread` for that.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try body() })
            }
        }
    }

    /// `run` for work that cannot fail.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: body())
            }
        }
    }

    /// Runs `body` on NIO's blocking thread pool: a fixed set of threads of its own, apart from Dispatch,
    /// for long blocking work (pg_ctl, archive pipelines with their child processes, file I/O).
    public static func onThreadPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(body)
    }

    /// Runs `body` on a new thread of its own and returns its result: for seconds of waiting or CPU
    /// work that must not hold one of the shared threads. `stackSize` nil: the platform's default.
    public static func onOwnThread<T: Sendable>(
        name: String? = nil, stackSize: Int? = nil, _ body: @escaping @Sendable () throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            startThread(name: name, stackSize: stackSize) { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Starts `body` on a new thread of its own and returns at once: for a loop that lives as long as
    /// its owner (a writer that waits on a condition between batches).
    public static func startThread(name: String? = nil, stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        if let name { thread.name = name }
        if let stackSize { thread.stackSize = stackSize }
        thread.start()
    }
}
