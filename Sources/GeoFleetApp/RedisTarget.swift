import Foundation

/// Where `GEOFLEET_REDIS_URL` points: `redis://host[:port]` or `unix:///path/to/redis.sock`.
enum RedisTarget: Equatable {
    case tcp(host: String, port: Int)
    case unixSocket(String)

    init(url: String) throws {
        guard let components = URLComponents(string: url) else {
            throw ConfigurationError(variable: "GEOFLEET_REDIS_URL", message: "is not a URL: \(url)")
        }
        switch components.scheme {
        case "redis":
            guard let host = components.host, !host.isEmpty else {
                throw ConfigurationError(variable: "GEOFLEET_REDIS_URL", message: "needs a host: redis://host:port")
            }
            self = .tcp(host: host, port: components.port ?? 6379)
        case "unix":
            guard !components.path.isEmpty else {
                throw ConfigurationError(variable: "GEOFLEET_REDIS_URL", message: "needs a socket path: unix:///path/to/redis.sock")
            }
            self = .unixSocket(components.path)
        default:
            throw ConfigurationError(variable: "GEOFLEET_REDIS_URL", message: "must start with redis:// or unix://")
        }
    }
}
