import Foundation
import GeoFleetApp
import GeoFleetPlatform
import GeoFleetPostGIS
import GeoFleetTestSupport
import NIOPosix
import PostgresNIO
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The embedded cluster is reachable by GeoFleet's own OS user only: private directories and socket,
/// peer authentication mapped to the superuser, no `trust` rule (which made every local user superuser).
@Suite(.serialized) struct EmbeddedClusterAccessTests {
    static func mode(_ path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0o7777
    }

    /// Runs `psql` as `osUser` asking for `role`; returns (exit status, output).
    static func psql(as osUser: String, role: String, cluster: EmbeddedPostgres) throws -> (Int32, String) {
        let result = try ChildProcess.run(
            "/usr/sbin/runuser",
            [
                "-u", osUser, "--", EmbeddedPostgres.binDirectory + "/psql", "-X", "-h", cluster.socketDirectory, "-p", "\(cluster.port)",
                "-U", role, "-d", "postgres", "-c", "SELECT 1",
            ])
        return (result.status, result.output)
    }

    @Test(.enabled(if: geteuid() == 0, "peer mapping and other OS users need root"))
    func onlyTheOwnerReachesTheClusterAndOnlyAsTheSuperuser() async throws {
        let cluster = try TestPostgres.newCluster(name: "access")
        defer { try? cluster.stop(mode: "immediate") }
        #expect(Self.mode(cluster.directory) == 0o700)
        #expect(Self.mode(cluster.socketDirectory) == 0o700)
        #expect(Self.mode(cluster.socketDirectory + "/.s.PGSQL.\(cluster.port)") & 0o777 == 0o700)
        let hba = try String(contentsOfFile: cluster.directory + "/data/pg_hba.conf", encoding: .utf8)
        let rules = hba.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        #expect(rules == ["local all all peer map=geofleet"])
        #expect(Self.mode(cluster.directory + "/data/pg_hba.conf") == 0o600)

        // Our own OS user gets the superuser, as the engine needs; an extra login role exists to be asked for.
        let logger = testLogger("access")
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: cluster.endpoint().connectionConfiguration, id: 1, logger: logger)
        try await connection.query("CREATE ROLE intruder LOGIN SUPERUSER", logger: logger)
        try await connection.close()

        // The same OS user asking for another role, with no credentials: refused.
        var other = cluster.endpoint()
        other.username = "intruder"
        await #expect(throws: (any Error).self) {
            let c = try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: other.connectionConfiguration, id: 2, logger: logger)
            try? await c.close()
        }
        // postgres (which can reach the socket) asking for that role: peer authentication refuses it.
        let (asPostgres, postgresOutput) = try Self.psql(as: "postgres", role: "intruder", cluster: cluster)
        #expect(asPostgres != 0)
        #expect(postgresOutput.contains("authentication failed"), "\(postgresOutput)")
        // Any other local user cannot even reach the socket, as any role.
        for role in ["postgres", "intruder"] {
            let (status, output) = try Self.psql(as: "nobody", role: role, cluster: cluster)
            #expect(status != 0)
            #expect(output.contains("Permission denied"), "\(output)")
        }
        // The superuser itself still works through psql (what the archive pipelines use).
        let (ok, okOutput) = try Self.psql(as: "root", role: "postgres", cluster: cluster)
        #expect(ok == 0, "\(okOutput)")
    }

    /// geofleetd's own path: the engine creates its data dir (0700), starts the embedded cluster in it
    /// (postgres may only pass through the data dir) and connects by peer authentication.
    @Test(.enabled(if: geteuid() == 0, "the cluster runs as postgres only under root"))
    func theEngineStartsItsEmbeddedClusterPrivate() async throws {
        let dir = FileManager.default.temporaryDirectory.path + "/geofleet-embedded-\(UUIDString.short())"
        try TestPostgres.watchCluster(directory: dir + "/postgres")
        let configuration = EngineHarness.localConfiguration(dataDirectory: dir)
        let engine = try await GeoFleetEngine.start(configuration: configuration, logger: testLogger("engine"))
        let runTask = Task { try await engine.run() }
        #expect(Self.mode(dir) == 0o701, "private, but postgres may pass through to its cluster")
        #expect(Self.mode(dir + "/postgres") == 0o700)
        #expect(Self.mode(dir + "/postgres/run") == 0o700)
        #expect(Self.mode(dir + "/postgres/run/.s.PGSQL.5432") & 0o777 == 0o700)
        #expect(Self.mode(dir + "/jwt-secret") == 0o600)
        #expect(Self.mode(dir + "/spool") == 0o700)
        let hba = try String(contentsOfFile: dir + "/postgres/data/pg_hba.conf", encoding: .utf8)
        #expect(!hba.split(separator: "\n").contains { !$0.hasPrefix("#") && $0.contains("trust") })
        // Another OS user cannot reach the engine's database.
        let cluster = configuration.embeddedCluster(logger: testLogger("embedded"))
        let (status, output) = try Self.psql(as: "nobody", role: "postgres", cluster: cluster)
        #expect(status != 0 && output.contains("Permission denied"), "\(output)")
        await engine.shutdown()
        try await runTask.value
        #expect(!cluster.isRunning(), "the engine stops its cluster")
        try? FileManager.default.removeItem(atPath: dir)
    }
}
