import Foundation
import GeoFleetPlatform
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
        // ChildProcess gives it default signal handling, so SIGTERM reaches it.
        pid = try ChildProcess.spawn(
            "/usr/bin/redis-server",
            [
                "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", dir, "--daemonize", "no", "--loglevel", "warning", "--logfile", dir + "/redis.log",
            ], stdin: .inherit, stdout: .inherit, stderr: .inherit)
        for _ in 0..<500 {
            if let c = try? RedisConnection(host: "127.0.0.1", port: port, timeout: .milliseconds(200)),
                (try? c.command(["PING"])) == .status("PONG")
            {
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
        _ = ChildProcess.exitStatus(waitingFor: pid)
        pid = 0
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }
}
