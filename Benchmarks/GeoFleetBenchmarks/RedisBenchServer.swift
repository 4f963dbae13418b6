import Foundation
import GeoFleetRedis

#if canImport(Glibc)
import Glibc
#endif

/// Where the Redis benchmarks find their server: GEOFLEET_BENCH_REDIS_PORT (scripts/bench/micro.sh starts
/// one for the whole run), or else a private redis-server spawned for this benchmark process.
final class RedisBenchServer: @unchecked Sendable {
    let port: Int
    /// Set when we spawned the server ourselves; only touched from setup/teardown.
    private var pid: pid_t = 0
    private var directory: String?

    init() throws {
        if let raw = ProcessInfo.processInfo.environment["GEOFLEET_BENCH_REDIS_PORT"], let port = Int(raw) {
            self.port = port
            return
        }
        let dir = NSTemporaryDirectory() + "geofleet-bench-redis-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        directory = dir
        port = 20_000 + Int(getpid() % 20_000)
        pid = try Self.spawn([
            "/usr/bin/redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", dir, "--daemonize", "no", "--loglevel", "warning", "--logfile", dir + "/redis.log",
        ])
        for _ in 0..<500 {
            if let c = try? RedisConnection(host: "127.0.0.1", port: port, timeout: .milliseconds(200)),
               (try? c.command(["PING"])) == .status("PONG") {
                return
            }
            usleep(10_000)
        }
        stop()
        throw RedisError.connectionFailed("redis-server did not start on port \(port)")
    }

    func connect() throws -> RedisConnection {
        try RedisConnection(host: "127.0.0.1", port: port, timeout: .seconds(30))
    }

    /// Stops a server we spawned (no-op for an external one).
    func stop() {
        guard pid > 0 else { return }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        pid = 0
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// posix_spawn with default signal handling, so SIGTERM reaches the child.
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
        guard rc == 0 else { throw RedisError.connectionFailed("posix_spawn failed: \(rc)") }
        return child
    }
}
