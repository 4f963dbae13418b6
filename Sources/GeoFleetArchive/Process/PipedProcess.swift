import Foundation
import GeoFleetPlatform
import GeoFleetPostGIS
#if canImport(Glibc)
import Glibc
#endif

/// A child process whose stdin and stdout are pipes or files of our choosing, for the export,
/// read-back and restore pipelines (`psql`, `zstd`). Blocking: call only from `Blocking.onThreadPool`.
struct PipedProcess {
    let pid: pid_t
    let executable: String

    /// Where a standard stream of the child goes.
    typealias Stream = ChildProcess.Stream

    /// Spawns `executable` (looked up in `PATH`); `stdin`/`stdout` as given, stderr appended to
    /// `stderrPath`. Only the chosen descriptors reach the child: every pipe here is created close-on-exec.
    static func spawn(
        _ executable: String, _ arguments: [String], stdin: Stream, stdout: Stream,
        stderrPath: String, environment: [String: String] = [:]
    ) throws -> PipedProcess {
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        do {
            let pid = try ChildProcess.spawn(
                executable, arguments, stdin: stdin, stdout: stdout, stderr: .appendFile(stderrPath),
                environment: env, searchPath: true)
            return PipedProcess(pid: pid, executable: executable)
        } catch {
            throw ArchiveError.command(executable, "\(error)")
        }
    }

    /// A dead zstd must surface as EPIPE from write(), not kill the daemon.
    static let ignoreSIGPIPE: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// A close-on-exec pipe: (read end, write end).
    static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        // pipe2 is not visible through Glibc's module map; FD_CLOEXEC right after is the next best.
        guard Glibc.pipe(&fds) == 0 else { throw ArchiveError.io("pipe", errno) }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return (fds[0], fds[1])
    }

    /// Waits for the child; returns its exit status (128 + signal when killed).
    func wait() -> Int32 {
        ChildProcess.exitStatus(waitingFor: pid)
    }

    /// Waits and throws with the child's stderr when it failed.
    func waitSuccess(stderrPath: String) throws {
        let status = wait()
        if status != 0 {
            let message = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
            throw ArchiveError.command(executable, "exit \(status): \(message.suffix(2000))")
        }
    }
}
