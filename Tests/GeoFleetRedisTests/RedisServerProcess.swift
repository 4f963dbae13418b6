import Foundation
import GeoFleetRedis

#if canImport(Glibc)
import Glibc
#endif

/// A private `redis-server` for one test: free TCP port on 127.0.0.1 plus a Unix socket, in a temp
/// dir, no persistence. Stopped (SIGTERM, SIGKILL after 2 s, then reaped) by `stop()` or deinit.
///
/// Why posix_spawn and not Foundation's `Process`: its `waitUntilExit` spins a run loop that hung
/// when called from a test's deinit on the cooperative pool, and children inherited a signal mask
/// that made them deaf to SIGTERM.
final class RedisServerProcess: @unchecked Sendable {
    static let executable = "/usr/bin/redis-server"

    private(set) var port = 0
    let directory: String
    var unixSocket: String { directory + "/redis.sock" }
    private var pid: pid_t = 0
    private let lock = NSLock()

    init() throws {
        directory = NSTemporaryDirectory() + "geofleet-redis-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Another process (or a parallel test) can grab the port between freePort() and redis's bind:
        // retry on a fresh port if the server exits instead of becoming ready.
        var attempt = 0
        while true {
            attempt += 1
            port = try Self.freePort()
            pid = try Self.spawn([
                Self.executable, "--port", String(port), "--bind", "127.0.0.1", "--unixsocket", directory + "/redis.sock",
                "--save", "", "--appendonly", "no", "--dir", directory, "--daemonize", "no", "--loglevel", "warning",
                "--logfile", directory + "/redis.log",
            ])
            if waitUntilReady() { return }
            stop(removingDirectory: attempt == 3)
            if attempt == 3 { throw RedisError.connectionFailed("redis-server did not start (last port \(port))") }
        }
    }

    deinit { stop() }

    func connect() throws -> RedisConnection {
        try RedisConnection(host: "127.0.0.1", port: port, timeout: .seconds(5))
    }

    func stop() { stop(removingDirectory: true) }

    private func stop(removingDirectory: Bool) {
        lock.lock()
        defer { lock.unlock() }
        guard pid > 0 else { return }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        var waited = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if waited == 200 { kill(pid, SIGKILL) }
            usleep(10_000)
            waited += 1
        }
        pid = 0
        if removingDirectory { try? FileManager.default.removeItem(atPath: directory) }
    }

    private var isRunning: Bool {
        var status: Int32 = 0
        return pid > 0 && waitpid(pid, &status, WNOHANG) == 0
    }

    /// posix_spawn with default signal dispositions and an empty signal mask.
    private static func spawn(_ argv: [String]) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, argv[0], nil, &attributes, &cArgs, environ)
        guard rc == 0 else { throw RedisError.connectionFailed("posix_spawn \(argv[0]) failed: \(rc)") }
        return child
    }

    /// Polls with PING for up to 10 s; false if the server died or never answered.
    private func waitUntilReady() -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let c = try? RedisConnection(host: "127.0.0.1", port: port, timeout: .milliseconds(200)),
               (try? c.command(["PING"])) == .status("PONG") {
                return true
            }
            guard isRunning else { return false }
            usleep(20_000)
        }
        return false
    }

    /// Asks the kernel for a free port (bind to 0), then releases it for redis-server to take.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RedisError.connectionFailed("socket() failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw RedisError.connectionFailed("bind() failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
