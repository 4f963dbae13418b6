import Foundation
import GeoFleetPlatform
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// A private PostgreSQL 15 + PostGIS cluster under a directory, reachable only on a unix socket.
///
/// PostgreSQL refuses to run as root, so when we are root the cluster belongs to the `postgres`
/// user that Debian's package creates and every command runs through `runuser`.
public struct EmbeddedPostgres: Sendable {
    public let directory: String
    public let port: Int
    public let maxConnections: Int
    /// `pg_hba.conf` lines put before the unix-socket rule (a test's TLS-only TCP listener); none in production.
    public let extraAccessRules: [String]
    public let logger: Logger

    /// Debian's layout; overridable for other installs.
    public static let binDirectory = ProcessInfo.processInfo.environment["GEOFLEET_PG_BIN"] ?? "/usr/lib/postgresql/15/bin"

    /// `maxConnections` is PostgreSQL's `max_connections`: test clusters shared by many engines need more.
    public init(directory: String, port: Int = 5432, maxConnections: Int = 100, extraAccessRules: [String] = [], logger: Logger) {
        self.maxConnections = maxConnections
        self.extraAccessRules = extraAccessRules
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
    ///
    /// Only the OS user running GeoFleet (and `postgres`) may reach it: the cluster and socket
    /// directories are 0700, the socket is 0700, and local connections use peer authentication
    /// mapped to the superuser (`pg_ident.conf`), so no password exists to leak or store.
    public func start() throws {
        let fm = FileManager.default
        for dir in [directory, socketDirectory] {
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            // Clusters made by older versions had 0755 here.
            guard chmod(dir, 0o700) == 0 else {
                throw DatabaseError.command("chmod 0700 \(dir)", status: errno, output: String(cString: strerror(errno)))
            }
        }
        if Self.runningAsRoot {
            try run("/bin/chown", ["postgres:postgres", directory, socketDirectory], asPostgres: false)
            try openParentForPostgres()
        }
        if !fm.fileExists(atPath: dataDirectory + "/PG_VERSION") {
            logger.info("creating PostgreSQL cluster", metadata: ["dir": "\(dataDirectory)"])
            try run(
                Self.binDirectory + "/initdb",
                [
                    "-D", dataDirectory, "-U", Self.superuser, "--auth-local=peer", "--auth-host=scram-sha-256",
                    "--encoding=UTF8", "--locale=C.UTF-8",
                ])
            let conf = """

                # GeoFleet embedded cluster: unix socket only, reachable by its owner only.
                listen_addresses = ''
                unix_socket_directories = '\(socketDirectory)'
                unix_socket_permissions = 0700
                port = \(port)
                max_connections = \(maxConnections)
                shared_buffers = 256MB
                wal_compression = on
                max_wal_size = 4GB
                checkpoint_timeout = 15min
                fsync = on
                synchronous_commit = on

                """
            try append(conf, to: dataDirectory + "/postgresql.conf")
        }
        let running = isRunning()
        try writeAccessRules()
        if running {
            // A cluster started by an older version may still trust everyone: reload the rules now.
            try run(Self.binDirectory + "/pg_ctl", ["-D", dataDirectory, "reload"])
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

    /// The OS user peer authentication sees for this process (what `pg_ident.conf` maps to the superuser).
    static var osUser: String {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return superuser }
        return String(cString: name)
    }

    /// Rewrites `pg_hba.conf` and `pg_ident.conf` at every start, so no cluster keeps a `trust` rule
    /// (older versions created them with `--auth=trust`), and makes sure the socket is 0700.
    func writeAccessRules() throws {
        var identities = ["\(Self.osUser) \(Self.superuser)"]
        if Self.runningAsRoot { identities.append("postgres postgres") }
        try writePrivate(
            """
            # Written by GeoFleet at every start. Unix socket only; peer authentication: the connecting
            # process's OS user must map to the role it asks for (pg_ident.conf). No trust, no TCP.
            \(extraAccessRules.map { $0 + "\n" }.joined())local all all peer map=geofleet

            """, to: dataDirectory + "/pg_hba.conf")
        try writePrivate(
            """
            # Written by GeoFleet at every start: OS users allowed in, and the role each may use.
            # MAPNAME SYSTEM-USERNAME PG-USERNAME
            \(identities.map { "geofleet " + $0 }.joined(separator: "\n"))

            """, to: dataDirectory + "/pg_ident.conf")
        let confPath = dataDirectory + "/postgresql.conf"
        let conf = (try? String(contentsOfFile: confPath, encoding: .utf8)) ?? ""
        if !conf.contains("\nunix_socket_permissions = 0700") {
            try append("\n# GeoFleet: the socket is for its owner only.\nunix_socket_permissions = 0700\n", to: confPath)
        }
    }

    /// Writes a 0600 file owned by the cluster's user (postgres when we are root).
    private func writePrivate(_ text: String, to path: String) throws {
        let temporary = path + ".geofleet.tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw DatabaseError.command("write \(temporary)", status: errno, output: String(cString: strerror(errno)))
        }
        if Self.runningAsRoot { try run("/bin/chown", ["postgres:postgres", temporary], asPostgres: false) }
        guard chmod(temporary, 0o600) == 0, rename(temporary, path) == 0 else {
            throw DatabaseError.command("install \(path)", status: errno, output: String(cString: strerror(errno)))
        }
    }

    private func append(_ text: String, to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    /// The cluster directory belongs to postgres but sits in ours (the data dir, 0700 under umask
    /// 077): postgres needs to pass through it, not to list or read it, so only o+x is added, and
    /// only to a directory of our own.
    private func openParentForPostgres() throws {
        let parent = (directory as NSString).deletingLastPathComponent
        var info = stat()
        guard stat(parent, &info) == 0, info.st_uid == geteuid(), info.st_mode & 0o001 == 0 else { return }
        guard chmod(parent, (info.st_mode & 0o7777) | 0o001) == 0 else {
            throw DatabaseError.command("chmod o+x \(parent)", status: errno, output: String(cString: strerror(errno)))
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
        let command: (String, [String]) =
            asPostgres && Self.runningAsRoot
            ? ("/usr/sbin/runuser", ["-u", "postgres", "--", executable] + arguments)
            : (executable, arguments)
        let result: ChildProcess.Result
        do {
            result = try ChildProcess.run(command.0, command.1)
        } catch let error as ChildProcess.SpawnError {
            throw DatabaseError.command(error.executable, status: error.code, output: error.reason)
        }
        guard result.status == 0 else {
            if !quiet {
                logger.error("command failed", metadata: ["command": "\(executable)", "output": "\(result.output)"])
            }
            throw DatabaseError.command(([executable] + arguments).joined(separator: " "), status: result.status, output: result.output)
        }
        return result.output
    }
}
