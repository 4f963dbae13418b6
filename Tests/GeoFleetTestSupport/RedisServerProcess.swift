import Foundation
import GeoFleetPlatform
import GeoFleetPostGIS
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
public final class RedisServerProcess: @unchecked Sendable {
    static let executable = "/usr/bin/redis-server"

    public private(set) var port = 0
    /// The TLS port, when started with TLS files (0 otherwise).
    public private(set) var tlsPort = 0
    public let directory: String
    public var unixSocket: String { directory + "/redis.sock" }
    /// The server's pid (0 once stopped).
    public var processID: pid_t {
        lock.lock()
        defer { lock.unlock() }
        return pid
    }
    private var pid: pid_t = 0
    /// Kills the server if the test process dies first (``ServerLifeline``).
    private var watchdog: pid_t = 0
    private var launchArguments: [String] = []
    private let lock = NSLock()

    /// TLS files for `--tls-port`: the server's certificate and key, and the CA its clients' certificates
    /// must come from (`--tls-auth-clients optional`: a client without one is let in).
    public struct TLSFiles: Sendable {
        public var certificate: String
        public var key: String
        public var clientCA: String
        public init(certificate: String, key: String, clientCA: String) {
            self.certificate = certificate
            self.key = key
            self.clientCA = clientCA
        }
    }

    public init(tls: TLSFiles? = nil) throws {
        directory = NSTemporaryDirectory() + "geofleet-redis-\(UUIDString.random())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Another process (or a parallel test) can grab the port between freePort() and redis's bind:
        // retry on a fresh port if the server exits instead of becoming ready.
        var attempt = 0
        while true {
            attempt += 1
            port = freePort()
            var tlsArguments: [String] = []
            if let tls {
                tlsPort = freePort()
                tlsArguments = [
                    "--tls-port", String(tlsPort), "--tls-cert-file", tls.certificate, "--tls-key-file", tls.key,
                    "--tls-ca-cert-file", tls.clientCA, "--tls-auth-clients", "optional",
                ]
            }
            launchArguments =
                [
                    Self.executable, "--port", String(port), "--bind", "127.0.0.1", "--unixsocket", directory + "/redis.sock",
                    "--save", "", "--appendonly", "no", "--dir", directory, "--daemonize", "no", "--loglevel", "warning",
                    "--logfile", directory + "/redis.log",
                ] + tlsArguments
            pid = try Self.spawn(launchArguments, output: directory + "/redis.out")
            watchdog = try ServerLifeline.killGroupOnExit(pid)
            if waitUntilReady() { return }
            stop(removingDirectory: attempt == 3)
            if attempt == 3 { throw RedisError.connectionFailed("redis-server did not start (last port \(port))") }
        }
    }

    deinit { stop() }

    public func connect() throws -> RedisConnection {
        try RedisConnection(host: "127.0.0.1", port: port, timeout: .seconds(5))
    }

    public func stop() { stop(removingDirectory: true) }

    /// Stops the server, keeps it down for `downFor`, and starts it again on the same port (empty).
    public func restart(downFor: TimeInterval = 1) throws {
        stop(removingDirectory: false)
        Thread.sleep(forTimeInterval: downFor)
        pid = try Self.spawn(launchArguments, output: directory + "/redis.out")
        watchdog = try ServerLifeline.killGroupOnExit(pid)
        guard waitUntilReady() else { throw RedisError.connectionFailed("redis-server did not restart on port \(port)") }
    }

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
        ServerLifeline.dismiss(watchdog, group: pid)
        watchdog = 0
        pid = 0
        if removingDirectory { try? FileManager.default.removeItem(atPath: directory) }
    }

    private var isRunning: Bool {
        var status: Int32 = 0
        return pid > 0 && waitpid(pid, &status, WNOHANG) == 0
    }

    /// posix_spawn with default signal dispositions and an empty signal mask (see `ChildProcess.spawn`),
    /// in a process group of its own, output to a file: an inherited stdout would hold the test
    /// runner's pipe open after the test process died.
    private static func spawn(_ argv: [String], output: String) throws -> pid_t {
        try ChildProcess.spawn(
            argv[0], Array(argv.dropFirst()), stdin: .devNull, stdout: .file(output), stderr: .sameAsStdout,
            newProcessGroup: true)
    }

    /// Polls with PING for up to 10 s; false if the server died or never answered.
    private func waitUntilReady() -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let c = try? RedisConnection(host: "127.0.0.1", port: port, timeout: .milliseconds(200)),
                (try? c.command(["PING"])) == .status("PONG")
            {
                return true
            }
            guard isRunning else { return false }
            usleep(20_000)
        }
        return false
    }
}
