import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// Runs blocking work (child processes, file I/O, zstd, hashing) on NIO's blocking thread pool, never
/// on an event loop or Swift's cooperative pool.
enum BlockingWork {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(body)
    }

    /// A dead zstd must surface as EPIPE from write(), not kill the daemon.
    static let ignoreSIGPIPE: Void = { _ = signal(SIGPIPE, SIG_IGN) }()
}
