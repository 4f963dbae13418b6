import Foundation
import GeoFleetPostGIS
import Logging
import NIOPosix
import PostgresNIO

/// A real PostgreSQL + PostGIS cluster for the tests of one process, created under the system
/// temp dir on a private unix socket; each test takes a database of its own.
public actor TestPostgres {
    public static let shared = TestPostgres()

    private var cluster: EmbeddedPostgres?
    private var counter = 0

    /// Starts (once) and returns the shared cluster.
    public func start() throws -> EmbeddedPostgres {
        if let cluster { return cluster }
        let cluster = try Self.newCluster(name: "shared")
        self.cluster = cluster
        return cluster
    }

    /// A new empty database on the shared cluster.
    public func freshDatabase() async throws -> DatabaseEndpoint {
        let cluster = try start()
        counter += 1
        let name = "t\(counter)_\(UInt32.random(in: 0...UInt32.max))"
        try await Self.createDatabase(name, on: cluster)
        return cluster.endpoint(database: name)
    }

    /// A new database on the shared cluster with every migration applied.
    public func freshMigratedDatabase() async throws -> DatabaseEndpoint {
        let endpoint = try await freshDatabase()
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: endpoint.connectionConfiguration, id: 1,
            logger: testLogger("setup"))
        do {
            _ = try await Migrations.migrate(connection, logger: testLogger("setup"))
        } catch {
            // A connection dropped unclosed trips postgres-nio's assertion.
            try? await connection.close()
            throw error
        }
        try await connection.close()
        return endpoint
    }

    /// A cluster of a test's own (for tests that stop and start PostgreSQL); stopped at process exit too.
    public static func newCluster(name: String) throws -> EmbeddedPostgres {
        let base = FileManager.default.temporaryDirectory.path + "/geofleet-tests-\(getpid())"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        // Socket paths are limited to ~107 bytes: keep the directory short.
        let cluster = EmbeddedPostgres(
            directory: "\(base)/\(name)", port: 5432, maxConnections: 500, logger: testLogger("postgres"))
        // Watched before it starts: a test process killed during the start still takes it down.
        try ClusterRegistry.register(cluster.directory)
        try cluster.start()
        return cluster
    }

    /// Watches a cluster someone else starts (an engine's embedded one): stopped when the test
    /// process exits or dies, and its directory removed at exit.
    public static func watchCluster(directory: String) throws {
        try ClusterRegistry.register(directory)
    }

    public static func createDatabase(_ name: String, on cluster: EmbeddedPostgres) async throws {
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: cluster.endpoint().connectionConfiguration,
            id: 1, logger: testLogger("setup"))
        do {
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \"\(name)\""), logger: testLogger("setup"))
        } catch {
            // A connection dropped unclosed trips postgres-nio's assertion and takes the test process down.
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }
}

/// Stops every cluster a test process started when the process exits.
enum ClusterRegistry {
    nonisolated(unsafe) static var directories: [String] = []
    static let lock = NSLock()
    nonisolated(unsafe) static var installed = false

    static func register(_ directory: String) throws {
        lock.lock()
        defer { lock.unlock() }
        directories.append(directory)
        // The postmaster detaches from pg_ctl (it is not our child and has a session of its own), so
        // atexit alone misses a test process killed by a signal: a watchdog stops the cluster then.
        _ = try ServerLifeline.onExit(run: stopCommand(directory))
        if !installed {
            installed = true
            atexit {
                for dir in ClusterRegistry.directories {
                    _ = system(ClusterRegistry.stopCommand(dir) + " >/dev/null 2>&1")
                    try? FileManager.default.removeItem(atPath: dir)
                }
            }
        }
    }

    /// Shell command stopping the cluster under `directory` at once (immediate: nothing to keep).
    static func stopCommand(_ directory: String) -> String {
        let pgctl = EmbeddedPostgres.binDirectory + "/pg_ctl"
        return (geteuid() == 0 ? "/usr/sbin/runuser -u postgres -- " : "") + "\(pgctl) -D '\(directory)/data' -m immediate -w stop"
    }
}

/// A logger for tests: warnings and up, unless GEOFLEET_TEST_LOG_LEVEL says otherwise.
public func testLogger(_ label: String) -> Logger {
    var logger = Logger(label: "test.\(label)")
    logger.logLevel = Logger.Level(rawValue: ProcessInfo.processInfo.environment["GEOFLEET_TEST_LOG_LEVEL"] ?? "warning") ?? .warning
    return logger
}
