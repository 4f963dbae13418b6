import Foundation
import Logging

/// A private PostgreSQL 15 + PostGIS cluster under a directory, reachable only on a unix socket.
///
/// PostgreSQL refuses to run as root, so when we are root the cluster belongs to the `postgres`
/// user that Debian's package creates and every command runs through `runuser`.
public struct EmbeddedPostgres: Sendable {
    public let directory: String
    public let port: Int
    public let maxConnections: Int
    public let logger: Logger

    /// Debian's layout; overridable for other installs.
    public static let binDirectory = ProcessInfo.processInfo.environment["GEOFLEET_PG_BIN"] ?? "/usr/lib/postgresql/15/bin"

    /// `maxConnections` is PostgreSQL's `max_connections`: test clusters shared by many engines need more.
    public init(directory: String, port: Int = 5432, maxConnections: Int = 100, logger: Logger) {
        self.maxConnections = maxConnections
        self.directory = (directory as NSString).standardizingPath
        self.port = port
        self.logger = logger
    }

    var dataDirectory: String { directory + "/data" }
    /// The directory holding the socket.
    public var socketDirectory: String { directory + "/run" }
    var logFile: String { directory + "/postgresql.log" }

    /// The endpoint to connect to, as the cluster's superuser.
    public func endpoint(database: String = "postgres") -> DatabaseEndpoint {
        DatabaseEndpoint(
            address: .unixSocket(path: "\(socketDirectory)/.s.PGSQL.\(port)"),
            username: Self.superuser, password: nil, database: database
        )
    }

    static var runningAsRoot: Bool { geteuid() == 0 }
    static var superuser: String { runningAsRoot ? "postgres" : (ProcessInfo.processInfo.environment["USER"] ?? "postgres") }

    /// Creates the cluster if it does not exist yet, then starts it (idempotent: a running cluster is left alone).
    public func start() throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try fm.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true)
        if Self.runningAsRoot {
            // The data dir's parents must be reachable by postgres; ours are ours to open up.
            try run("/bin/chown", ["postgres:postgres", directory, socketDirectory], asPostgres: false)
            try run("/bin/chmod", ["0755", directory], asPostgres: false)
        }
        if !fm.fileExists(atPath: dataDirectory + "/PG_VERSION") {
            logger.info("creating PostgreSQL cluster", metadata: ["dir": "\(dataDirectory)"])
            try run(Self.binDirectory + "/initdb", [
                "-D", dataDirectory, "-U", Self.superuser, "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8",
            ])
            let conf = """

                # GeoFleet embedded cluster: unix socket only.
                listen_addresses = ''
                unix_socket_directories = '\(socketDirectory)'
                port = \(port)
                max_connections = \(maxConnections)
                shared_buffers = 256MB
                wal_compression = on
                max_wal_size = 4GB
                checkpoint_timeout = 15min
                fsync = on
                synchronous_commit = on

                """
            let confPath = dataDirectory + "/postgresql.conf"
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: confPath))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(conf.utf8))
            try handle.close()
        }
        if isRunning() {
            logger.debug("PostgreSQL cluster already running", metadata: ["dir": "\(dataDirectory)"])
            return
        }
        // A stale pid file from a killed postmaster would block the start; pg_ctl checks it is really dead.
        logger.info("starting PostgreSQL", metadata: ["dir": "\(dataDirectory)", "socket": "\(socketDirectory)"])
        do {
            try run(Self.binDirectory + "/pg_ctl", ["-D", dataDirectory, "-l", logFile, "-w", "-t", "60", "start"])
        } catch DatabaseError.command(let command, let status, let output) {
            // pg_ctl only says it stopped waiting; the server's own log says why.
            let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
            let tail = log.split(separator: "\n").suffix(15).joined(separator: "\n")
            throw DatabaseError.command(command, status: status, output: output + "\n--- \(logFile) ---\n" + tail)
        }
    }

    /// Stops the cluster (fast shutdown: running transactions are rolled back, committed data stays).
    public func stop(mode: String = "fast") throws {
        guard isRunning() else { return }
        logger.info("stopping PostgreSQL", metadata: ["dir": "\(dataDirectory)"])
        try run(Self.binDirectory + "/pg_ctl", ["-D", dataDirectory, "-m", mode, "-w", "-t", "60", "stop"])
    }

    /// True when a postmaster serves this data directory.
    public func isRunning() -> Bool {
        (try? run(Self.binDirectory + "/pg_ctl", ["-D", dataDirectory, "status"], quiet: true)) != nil
    }

    @discardableResult
    func run(_ executable: String, _ arguments: [String], asPostgres: Bool = true, quiet: Bool = false) throws -> String {
        let command: (String, [String]) = asPostgres && Self.runningAsRoot
            ? ("/usr/sbin/runuser", ["-u", "postgres", "--", executable] + arguments)
            : (executable, arguments)
        let result = try ChildProcess.run(command.0, command.1)
        guard result.status == 0 else {
            if !quiet {
                logger.error("command failed", metadata: ["command": "\(executable)", "output": "\(result.output)"])
            }
            throw DatabaseError.command(([executable] + arguments).joined(separator: " "), status: result.status, output: result.output)
        }
        return result.output
    }
}
