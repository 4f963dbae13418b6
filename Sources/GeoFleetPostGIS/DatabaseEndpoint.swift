import Foundation
import PostgresNIO

/// Where PostgreSQL is: a TCP host and port, or a unix socket directory, plus credentials.
public struct DatabaseEndpoint: Sendable, Hashable, CustomStringConvertible {
    public enum Address: Sendable, Hashable {
        case tcp(host: String, port: Int)
        /// The socket file's path (`<dir>/.s.PGSQL.<port>`).
        case unixSocket(path: String)
    }

    public var address: Address
    public var username: String
    public var password: String?
    public var database: String
    /// TLS on TCP (`sslmode`); ignored on a unix socket.
    public var tls: DatabaseTLS

    public init(address: Address, username: String, password: String? = nil, database: String, tls: DatabaseTLS = .disabled) {
        self.address = address
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// Parses `postgres://user:pass@host:port/db` or `postgresql:///db?host=/socket/dir&port=5432&user=u`,
    /// with libpq's `sslmode` (default `prefer`), `sslrootcert` and `hostaddr` (connect to this
    /// address, check the certificate against `host`). An unknown `sslmode` is an error.
    public init(url string: String) throws {
        guard let components = URLComponents(string: string),
            components.scheme == "postgres" || components.scheme == "postgresql"
        else { throw DatabaseError.badURL(string) }
        let query = Dictionary(
            (components.queryItems ?? []).compactMap { item in item.value.map { (item.name, $0) } },
            uniquingKeysWith: { _, last in last }
        )
        let user = components.user ?? query["user"] ?? "postgres"
        let password = components.password ?? query["password"]
        var database = components.path
        if database.hasPrefix("/") { database.removeFirst() }
        if database.isEmpty { database = query["dbname"] ?? user }
        let port = components.port ?? query["port"].flatMap(Int.init) ?? 5432
        let host = (components.host?.isEmpty == false ? components.host : nil) ?? query["host"] ?? "localhost"
        guard (1...65_535).contains(port) else { throw DatabaseError.badURL(string) }
        let modeName = query["sslmode"] ?? DatabaseTLS.Mode.prefer.rawValue
        guard let mode = DatabaseTLS.Mode(rawValue: modeName) else {
            throw DatabaseError.tls(
                "unknown sslmode \"\(modeName)\"; use one of "
                    + DatabaseTLS.Mode.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if host.hasPrefix("/") {
            self.init(address: .unixSocket(path: "\(host)/.s.PGSQL.\(port)"), username: user, password: password, database: database)
        } else {
            let hostAddress = query["hostaddr"].flatMap { $0.isEmpty ? nil : $0 }
            let tls = try DatabaseTLS(mode: mode, rootCertificate: query["sslrootcert"], serverName: hostAddress == nil ? nil : host)
            self.init(address: .tcp(host: hostAddress ?? host, port: port), username: user, password: password, database: database, tls: tls)
        }
    }

    /// The same server, another database.
    public func with(database: String) -> DatabaseEndpoint {
        var copy = self
        copy.database = database
        return copy
    }

    /// A libpq-style URL for this endpoint (password omitted).
    public var description: String {
        switch address {
        case .tcp(let host, let port):
            var query: [String] = ["sslmode=\(tls.mode.rawValue)"]
            if let root = tls.rootCertificate { query.append("sslrootcert=\(root)") }
            if let name = tls.serverName {
                return "postgres://\(username)@\(name):\(port)/\(database)?hostaddr=\(host)&" + query.joined(separator: "&")
            }
            return "postgres://\(username)@\(host):\(port)/\(database)?" + query.joined(separator: "&")
        case .unixSocket(let path):
            let socket = Self.socketDirectoryAndPort(path)
            return "postgresql:///\(database)?host=\(socket.directory)&port=\(socket.port)&user=\(username)"
        }
    }

    /// A socket file's directory and port (`<dir>/.s.PGSQL.<port>`), as libpq's `host` and `port` name them.
    public static func socketDirectoryAndPort(_ path: String) -> (directory: String, port: String) {
        ((path as NSString).deletingLastPathComponent, path.split(separator: ".").last.map(String.init) ?? "5432")
    }

    /// Configuration for a pooled `PostgresClient`.
    public var clientConfiguration: PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        switch address {
        case .tcp(let host, let port):
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: tls.clientTLS)
            configuration.options.tlsServerName = tls.serverName
        case .unixSocket(let path):
            configuration = .init(unixSocketPath: path, username: username, password: password, database: database)
        }
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// Configuration for a single `PostgresConnection`.
    public var connectionConfiguration: PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        switch address {
        case .tcp(let host, let port):
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: tls.connectionTLS)
            configuration.options.tlsServerName = tls.serverName
        case .unixSocket(let path):
            configuration = .init(unixSocketPath: path, username: username, password: password, database: database)
        }
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }
}

/// Errors of the PostGIS adapter with a message an operator can act on.
public enum DatabaseError: Error, CustomStringConvertible {
    case badURL(String)
    case command(String, status: Int32, output: String)
    case timeout(String)
    case migration(version: Int, underlying: String)
    /// `sslmode` or `sslrootcert` cannot be honoured.
    case tls(String)

    public var description: String {
        switch self {
        case .badURL(let url): "not a PostgreSQL URL: \(url)"
        case .command(let cmd, let status, let output): "\(cmd) exited with \(status): \(output)"
        case .timeout(let what): "timed out: \(what)"
        case .migration(let version, let underlying): "migration \(version) failed: \(underlying)"
        case .tls(let reason): "database TLS: \(reason)"
        }
    }
}
