import Foundation

/// Where `GEOFLEET_REDIS_URL` points: `redis://host[:port]` or `unix:///path/to/redis.sock`.
enum RedisTarget: Equatable {
    case tcp(host: String, port: Int)
    case unixSocket(String)

    init(url: String) throws {
        guard let components = URLComponents(string: url) else { throw Self.error("a URL", url) }
        switch components.scheme {
        case "redis":
            guard let host = components.host, !host.isEmpty else {
                throw Self.error("a host: redis://host:port", url)
            }
            self = .tcp(host: host, port: components.port ?? 6379)
        case "unix":
            guard !components.path.isEmpty else {
                throw Self.error("a socket path: unix:///path/to/redis.sock", url)
            }
            self = .unixSocket(components.path)
        default:
            throw Self.error("redis://host[:port] or unix:///path/to/redis.sock", url)
        }
    }

    private static func error(_ expected: String, _ url: String) -> ConfigurationError {
        ConfigurationError(variable: "GEOFLEET_REDIS_URL", expected: expected, got: url)
    }
}
