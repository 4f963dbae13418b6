import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process whose stdin and stdout are pipes or files of our choosing, for the export,
/// read-back and restore pipelines (`psql`, `zstd`). Blocking: call only from `BlockingWork`.
struct PipedProcess {
    let pid: pid_t
    let executable: String

    /// Where a standard stream of the child goes.
    enum Stream {
        case devNull
        case fd(Int32)
        case file(String)
    }

    /// Spawns `executable`; `stdin`/`stdout` as given, stderr into `stderrPath`. Only the chosen
    /// descriptors reach the child: every pipe here is created close-on-exec.
    static func spawn(_ executable: String, _ arguments: [String], stdin: Stream, stdout: Stream,
                      stderrPath: String, environment: [String: String] = [:]) throws -> PipedProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        func wire(_ stream: Stream, to target: Int32, readOnly: Bool) {
            switch stream {
            case .devNull: posix_spawn_file_actions_addopen(&actions, target, "/dev/null", readOnly ? O_RDONLY : O_WRONLY, 0)
            case .fd(let fd): posix_spawn_file_actions_adddup2(&actions, fd, target)
            case .file(let path): posix_spawn_file_actions_addopen(&actions, target, path, readOnly ? O_RDONLY : (O_WRONLY | O_CREAT | O_TRUNC), 0o644)
            }
        }
        wire(stdin, to: 0, readOnly: true)
        wire(stdout, to: 1, readOnly: false)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Default signal state: NIO and test runners block some signals, children must not inherit that.
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw ArchiveError.command(executable, "spawn failed: \(String(cString: strerror(rc)))") }
        return PipedProcess(pid: pid, executable: executable)
    }

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
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
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
