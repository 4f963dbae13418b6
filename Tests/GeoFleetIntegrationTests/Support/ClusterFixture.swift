import Foundation
import GeoFleetPlatform
import GeoFleetPostGIS
import GeoFleetTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Real cluster pieces on loopback for one test: a fresh database on the shared PostgreSQL, a private
/// Redis, `count` geofleetd nodes in cluster mode, and HAProxy (Debian's) in front of their API and
/// Teltonika ports, health-checking each node's `/healthz`.
final class ClusterFixture: @unchecked Sendable {
    struct Node {
        var id: String
        var httpPort: Int
        var teltonikaPort: Int
        var dataDir: String
        var process: DaemonProcess?
    }

    let endpoint: DatabaseEndpoint
    let redis: RedisServerProcess
    let directory: String
    private(set) var nodes: [Node] = []
    private var haproxy: pid_t = 0
    private var haproxyWatchdog: pid_t = 0
    /// HAProxy's ports: the API, Teltonika.
    let apiPort: Int
    let teltonikaPort: Int

    /// Variables every node gets on top of the cluster's own.
    let extraEnvironment: [String: String]

    init(nodes count: Int, environment extra: [String: String] = [:]) async throws {
        extraEnvironment = extra
        endpoint = try await TestPostgres.shared.freshDatabase()
        redis = try RedisServerProcess()
        directory = NSTemporaryDirectory() + "geofleet-cluster-\(UUIDString.short())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        apiPort = freePort()
        teltonikaPort = freePort()
        for i in 1...count {
            nodes.append(
                Node(id: "n\(i)", httpPort: freePort(), teltonikaPort: freePort(), dataDir: directory + "/n\(i)", process: nil))
        }
        // One at a time: the first start migrates the database.
        for i in nodes.indices { try await start(node: i) }
        try startHAProxy()
        // HAProxy is ready once it passes an API request to a node.
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let (status, _) = try? await EngineHarness.call(port: apiPort, "GET", "/healthz", token: nil), status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessError("HAProxy did not come up: \((try? String(contentsOfFile: directory + "/haproxy.log", encoding: .utf8)) ?? "")")
    }

    deinit { stopAll() }

    func environment(_ node: Node) -> [String: String] {
        [
            "GEOFLEET_NODE_ID": node.id, "GEOFLEET_DATA_DIR": node.dataDir, "GEOFLEET_DATABASE_URL": endpoint.description,
            "GEOFLEET_REDIS_URL": "redis://127.0.0.1:\(redis.port)", "GEOFLEET_BIND": "127.0.0.1",
            "GEOFLEET_HTTP_PORT": "\(node.httpPort)", "GEOFLEET_TELTONIKA_PORT": "\(node.teltonikaPort)",
            "GEOFLEET_GT06_PORT": "0", "GEOFLEET_OSMAND_PORT": "0", "GEOFLEET_RUPTELA_PORT": "0",
            "GEOFLEET_JWT_SECRET": EngineHarness.secret, "GEOFLEET_WRITER_BATCH_MS": "300",
            "GEOFLEET_CLUSTER_JOB_RETRY_SECONDS": "2",
        ].merging(extraEnvironment) { $1 }
    }

    /// Starts (or restarts, on the same data dir and ports) node `i` and waits for its `/healthz`.
    func start(node i: Int) async throws {
        let process = try DaemonProcess(
            executable: try DaemonProcess.executable("geofleetd"), environment: environment(nodes[i]),
            logPath: nodes[i].dataDir + ".log")
        nodes[i].process = process
        try await DurabilityTests.waitForHealth(port: nodes[i].httpPort, daemon: process)
    }

    /// kill -9 of node `i`.
    func kill(node i: Int) async {
        await nodes[i].process?.stop(signal: SIGKILL)
        nodes[i].process = nil
    }

    /// Node `i`'s data directory moves elsewhere and the node gets new ports (HAProxy does not know
    /// them): what handing a dead node's spool to a new machine looks like. The node must be stopped.
    func relocate(node i: Int) throws {
        precondition(nodes[i].process == nil, "stop the node first")
        let moved = directory + "/\(nodes[i].id)-moved"
        let oldLog = nodes[i].dataDir + ".log"
        try FileManager.default.moveItem(atPath: nodes[i].dataDir, toPath: moved)
        try? FileManager.default.moveItem(atPath: oldLog, toPath: moved + ".log")
        nodes[i].dataDir = moved
        nodes[i].httpPort = freePort()
        nodes[i].teltonikaPort = freePort()
    }

    func log(node i: Int) -> String { nodes[i].process?.log ?? ((try? String(contentsOfFile: nodes[i].dataDir + ".log", encoding: .utf8)) ?? "") }

    private func startHAProxy() throws {
        var lines = [
            "global", "    maxconn 4096",
            "defaults", "    timeout connect 2s", "    timeout client 15m", "    timeout server 15m", "    timeout check 1s",
            "    option redispatch", "    retries 2",
            "frontend api", "    mode http", "    bind 127.0.0.1:\(apiPort)", "    default_backend nodes_api",
            "backend nodes_api", "    mode http", "    balance roundrobin", "    option httpchk GET /healthz",
            "    http-check expect status 200",
        ]
        for n in nodes { lines.append("    server \(n.id) 127.0.0.1:\(n.httpPort) check inter 500ms fall 2 rise 1 on-marked-down shutdown-sessions") }
        lines += [
            "frontend teltonika", "    mode tcp", "    bind 127.0.0.1:\(teltonikaPort)", "    default_backend nodes_teltonika",
            "backend nodes_teltonika", "    mode tcp", "    balance leastconn", "    option httpchk GET /healthz",
            "    http-check expect status 200",
        ]
        for n in nodes {
            lines.append(
                "    server \(n.id) 127.0.0.1:\(n.teltonikaPort) check port \(n.httpPort) inter 500ms fall 2 rise 1 on-marked-down shutdown-sessions")
        }
        let config = directory + "/haproxy.cfg"
        try (lines.joined(separator: "\n") + "\n").write(toFile: config, atomically: true, encoding: .utf8)
        haproxy = try ChildProcess.spawn(
            "/usr/sbin/haproxy", ["-db", "-f", config], stdin: .devNull, stdout: .file(directory + "/haproxy.log"), stderr: .sameAsStdout,
            newProcessGroup: true)
        haproxyWatchdog = try ServerLifeline.killGroupOnExit(haproxy)
    }

    func stopAll() {
        for i in nodes.indices {
            if let p = nodes[i].process { Glibc.kill(p.pid, SIGKILL) }
        }
        if haproxy > 0 {
            Glibc.kill(haproxy, SIGKILL)
            var status: Int32 = 0
            waitpid(haproxy, &status, 0)
            ServerLifeline.dismiss(haproxyWatchdog, group: haproxy)
            haproxy = 0
        }
        redis.stop()
    }

    /// Graceful stop of every node (reaped), then HAProxy and Redis.
    func shutdown() async {
        for i in nodes.indices {
            await nodes[i].process?.stop(signal: SIGTERM)
            nodes[i].process = nil
        }
        stopAll()
    }
}
