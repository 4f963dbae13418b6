import Foundation
import GeoFleetRedis

/// Where `GEOFLEET_REDIS_URL` points: `redis://[:password@]host[:port]`, `rediss://…` (TLS) or
/// `unix:///path/to/redis.sock`.
///
/// `rediss://` takes redis-py's query names: `ssl_ca_certs` (PEM roots; the system's without it),
/// `ssl_cert_reqs=none` (accept any certificate), `ssl_check_hostname=false`, and
/// `ssl_certfile`/`ssl_keyfile` (the client certificate Redis's `tls-auth-clients` asks for).
struct RedisTarget: Equatable {
    enum Address: Equatable {
        case tcp(host: String, port: Int)
        case unixSocket(String)
    }

    /// TLS settings as the URL gives them (files are read when connecting).
    struct TLSOptions: Equatable {
        var caFile: String?
        var verify = true
        var checkHostname = true
        var certificateFile: String?
        var keyFile: String?
    }

    var address: Address
    var tls: TLSOptions?
    var password: String?

    init(url: String) throws {
        guard let components = URLComponents(string: url) else { throw Self.error("a URL", url) }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        password = components.password.flatMap { $0.isEmpty ? nil : $0 }
        switch components.scheme {
        case "redis", "rediss":
            guard let host = components.host, !host.isEmpty else {
                throw Self.error("a host: redis://host:port", url)
            }
            let port = components.port ?? 6379
            guard (1...65_535).contains(port) else { throw Self.error("a port between 1 and 65535", url) }
            address = .tcp(host: host, port: port)
            if components.scheme == "rediss" {
                var options = TLSOptions()
                options.caFile = query["ssl_ca_certs"]
                options.certificateFile = query["ssl_certfile"]
                options.keyFile = query["ssl_keyfile"]
                if let reqs = query["ssl_cert_reqs"] {
                    guard ["none", "required"].contains(reqs) else { throw Self.error("ssl_cert_reqs=none or required", url) }
                    options.verify = reqs == "required"
                }
                if let check = query["ssl_check_hostname"] {
                    guard ["true", "false"].contains(check) else { throw Self.error("ssl_check_hostname=true or false", url) }
                    options.checkHostname = check == "true"
                }
                guard (options.certificateFile == nil) == (options.keyFile == nil) else {
                    throw Self.error("ssl_certfile and ssl_keyfile together", url)
                }
                tls = options
            }
        case "unix":
            guard !components.path.isEmpty else {
                throw Self.error("a socket path: unix:///path/to/redis.sock", url)
            }
            address = .unixSocket(components.path)
        default:
            throw Self.error("redis://host[:port], rediss://host[:port] or unix:///path/to/redis.sock", url)
        }
    }

    /// The URL without its password, for logs.
    var redacted: String {
        switch address {
        case .tcp(let host, let port): "\(tls == nil ? "redis" : "rediss")://\(host):\(port)"
        case .unixSocket(let path): "unix://\(path)"
        }
    }

    /// Opens a connection (and authenticates when the URL has a password). Blocking.
    func connect(timeout: Duration) throws -> RedisConnection {
        let connection: RedisConnection
        switch address {
        case .tcp(let host, let port):
            if let tls {
                let settings = try RedisTLS(
                    serverName: tls.checkHostname ? host : nil, caFile: tls.caFile, verify: tls.verify,
                    certificateFile: tls.certificateFile, keyFile: tls.keyFile)
                connection = try RedisConnection(host: host, port: port, tls: settings, timeout: timeout)
            } else {
                connection = try RedisConnection(host: host, port: port, timeout: timeout)
            }
        case .unixSocket(let path):
            connection = try RedisConnection(unixSocket: path, timeout: timeout)
        }
        if let password {
            let reply = try connection.command(["AUTH", password])
            if case .error(let message) = reply { throw RedisError.connectionFailed("AUTH refused: \(message)") }
        }
        return connection
    }

    private static func error(_ expected: String, _ url: String) -> ConfigurationError {
        // Never echo a password back.
        var shown = URLComponents(string: url)
        if shown?.password != nil { shown?.password = "***" }
        return ConfigurationError(variable: "GEOFLEET_REDIS_URL", expected: expected, got: shown?.string ?? "(unparsable URL)")
    }
}
