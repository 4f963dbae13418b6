import Synchronization

/// Open device connections, over all device listeners, against a global cap and a cap per remote
/// IP: sockets are file descriptors and memory, and one host must not take them all.
public final class ConnectionLimiter: Sendable {
    /// Most open connections over all device listeners (`GEOFLEET_MAX_CONNECTIONS`).
    public let maxConnections: Int
    /// Most open connections from one IP address (`GEOFLEET_MAX_CONNECTIONS_PER_IP`).
    public let maxPerIP: Int
    private let state = Mutex<(total: Int, byIP: [String: Int])>((0, [:]))

    public init(maxConnections: Int = 50_000, maxPerIP: Int = 1_000) {
        self.maxConnections = max(1, maxConnections)
        self.maxPerIP = max(1, maxPerIP)
    }

    /// Takes a slot for a connection from `ip`; false when a cap is reached (refuse the connection).
    public func acquire(_ ip: String) -> Bool {
        state.withLock { s in
            guard s.total < maxConnections, s.byIP[ip, default: 0] < maxPerIP else { return false }
            s.total += 1
            s.byIP[ip, default: 0] += 1
            return true
        }
    }

    /// Gives back the slot of a closed connection from `ip`.
    public func release(_ ip: String) {
        state.withLock { s in
            s.total -= 1
            let left = s.byIP[ip, default: 1] - 1
            s.byIP[ip] = left > 0 ? left : nil
        }
    }

    /// Connections open now.
    public var open: Int { state.withLock { $0.total } }
}
