import Foundation
import GeoFleetTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The test process half of `scripts/check-test-cleanup.sh`: starts a PostgreSQL cluster, Redis and
/// geofleetd through the test support, writes their pids and its own, and waits to be killed with
/// SIGKILL. The script then checks that the servers are gone within seconds and that `swift test`
/// returned. Runs only when the script sets GEOFLEET_LIFELINE_PROBE (a directory).
@Suite struct ServerLifelineProbe {
    static let directory = ProcessInfo.processInfo.environment["GEOFLEET_LIFELINE_PROBE"]

    @Test(.enabled(if: ServerLifelineProbe.directory != nil, "run by scripts/check-test-cleanup.sh"))
    func startServersAndWaitToBeKilled() async throws {
        let dir = try #require(Self.directory)
        let redis = try RedisServerProcess()
        let cluster = try TestPostgres.newCluster(name: "lifeline")
        try await TestPostgres.createDatabase("lifeline", on: cluster)
        let pidFile = try String(contentsOfFile: cluster.directory + "/data/postmaster.pid", encoding: .utf8)
        let postmaster = try #require(pidFile.split(separator: "\n").first.flatMap { Int32($0) })
        let httpPort = freePort()
        let daemon = try DaemonProcess(
            executable: try DaemonProcess.executable("geofleetd"),
            environment: [
                "GEOFLEET_DATA_DIR": dir + "/geofleetd", "GEOFLEET_DATABASE_URL": cluster.endpoint(database: "lifeline").description,
                "GEOFLEET_BIND": "127.0.0.1", "GEOFLEET_HTTP_PORT": "\(httpPort)", "GEOFLEET_TELTONIKA_PORT": "0",
                "GEOFLEET_GT06_PORT": "0", "GEOFLEET_OSMAND_PORT": "0", "GEOFLEET_RUPTELA_PORT": "0",
                "GEOFLEET_JWT_SECRET": EngineHarness.secret,
            ], logPath: dir + "/geofleetd.log")
        try await DurabilityTests.waitForHealth(port: httpPort, daemon: daemon)
        let servers = [redis.processID, postmaster, daemon.pid]
        #expect(servers.allSatisfy { $0 > 0 && kill($0, 0) == 0 })
        try servers.map(String.init).joined(separator: " ").write(toFile: dir + "/servers", atomically: true, encoding: .utf8)
        try String(getpid()).write(toFile: dir + "/test.pid", atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: dir + "/ready", contents: nil)
        // The script kills this process long before; a run without it must not wait forever either.
        try await Task.sleep(for: .seconds(300))
        Issue.record("the probe was not killed by scripts/check-test-cleanup.sh")
    }
}
