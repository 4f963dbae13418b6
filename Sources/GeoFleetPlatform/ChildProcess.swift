import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a command to completion with posix_spawn and waitpid. Foundation's `Process.waitUntilExit`
/// can hang here when the child leaves a daemon behind (pg_ctl start), so we don't use it.
public enum ChildProcess {
    /// A finished command: its exit status and what it wrote to stdout and stderr.
    public struct Result: Sendable {
        public var status: Int32
        public var output: String
    }

    /// posix_spawn failed (the command did not start); `code` is its error number.
    public struct SpawnError: Error, CustomStringConvertible {
        public var executable: String
        public var code: Int32
        public var reason: String { "spawn failed: \(String(cString: strerror(code)))" }
        // Worded like a failed command's message, so that logs read alike for both.
        public var description: String { "\(executable) exited with \(code): \(reason)" }
    }

    public static func run(_ executable: String, _ arguments: [String]) throws -> Result {
        let outputPath = FileManager.default.temporaryDirectory.path + "/geofleet-cmd-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log"
        defer { unlink(outputPath) }
        let pid = try spawn(executable, arguments, outputPath: outputPath)
        let status = exitStatus(waitingFor: pid)
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return Result(status: status, output: output)
    }

    /// Starts a command and returns its pid (the caller reaps it); stdin is /dev/null, stdout and
    /// stderr go to `outputPath` (or are inherited when nil).
    public static func spawn(_ executable: String, _ arguments: [String], outputPath: String?) throws -> pid_t {
        try spawn(
            executable, arguments, stdin: .devNull, stdout: outputPath.map { .file($0) } ?? .inherit,
            stderr: outputPath == nil ? .inherit : .sameAsStdout)
    }

    /// Where one of a child's standard streams goes.
    public enum Stream: Sendable {
        case inherit
        case devNull
        /// A descriptor of ours (dup2'ed; create it close-on-exec so that only the copy reaches the child).
        case fd(Int32)
        /// A file, truncated.
        case file(String)
        /// A file, appended to.
        case appendFile(String)
        /// stderr only: wherever stdout goes.
        case sameAsStdout
    }

    /// Starts a command with its standard streams as given and returns its pid (the caller reaps it,
    /// e.g. with ``exitStatus(waitingFor:)``). `environment` nil: ours. `searchPath`: look the
    /// executable up in `PATH`. `newProcessGroup`: the child leads a process group of its own, so it
    /// and its children can be signalled together and apart from ours.
    ///
    /// The child starts with no blocked signals and default handlers: a caller's mask (NIO and the
    /// test runner block some) would otherwise make `timeout`, pg_ctl or redis-server deaf to them.
    public static func spawn(
        _ executable: String, _ arguments: [String], stdin: Stream, stdout: Stream, stderr: Stream,
        environment: [String: String]? = nil, searchPath: Bool = false, newProcessGroup: Bool = false
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        func wire(_ stream: Stream, to target: Int32) {
            let writeFlags = O_WRONLY | O_CREAT
            switch stream {
            case .inherit: break
            case .devNull: posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            case .fd(let fd): posix_spawn_file_actions_adddup2(&actions, fd, target)
            case .file(let path): posix_spawn_file_actions_addopen(&actions, target, path, target == 0 ? O_RDONLY : writeFlags | O_TRUNC, 0o600)
            case .appendFile(let path): posix_spawn_file_actions_addopen(&actions, target, path, writeFlags | O_APPEND, 0o600)
            case .sameAsStdout: posix_spawn_file_actions_adddup2(&actions, 1, target)
            }
        }
        wire(stdin, to: 0)
        wire(stdout, to: 1)
        wire(stderr, to: 2)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { env in env.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer {
            for p in argv { free(p) }
            for p in envp ?? [] { free(p) }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if newProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        var pid: pid_t = 0
        let start = searchPath ? posix_spawnp : posix_spawn
        let rc: Int32
        if var envp {
            rc = envp.withUnsafeMutableBufferPointer { start(&pid, executable, &actions, &attributes, argv, $0.baseAddress) }
        } else {
            rc = start(&pid, executable, &actions, &attributes, argv, environ)
        }
        guard rc == 0 else { throw SpawnError(executable: executable, code: rc) }
        return pid
    }

    /// Waits for a child and returns its exit status (128 + the signal when a signal ended it).
    public static func exitStatus(waitingFor pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
