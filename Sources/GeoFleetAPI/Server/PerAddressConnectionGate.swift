import Metrics
import NIOCore
import Synchronization

/// Counts open connections by remote address and refuses one past the cap, so that one client
/// cannot take every connection slot of a listener.
public final class PerAddressConnectionGate: Sendable {
    public let maxPerAddress: Int
    private let open = Mutex<[String: Int]>([:])
    private let refused: Counter

    public init(maxPerAddress: Int, listener: String) {
        self.maxPerAddress = max(1, maxPerAddress)
        refused = Counter(label: "geofleet_connections_refused_total", dimensions: [("listener", listener), ("reason", "per_ip")])
    }

    /// Takes a slot for the channel's address, given back when the channel closes; false: close it.
    public func admit(_ channel: any Channel) -> Bool {
        let address = Self.key(channel.remoteAddress)
        let admitted = open.withLock { counts in
            let held = counts[address] ?? 0
            guard held < maxPerAddress else { return false }
            counts[address] = held + 1
            return true
        }
        guard admitted else {
            refused.increment()
            return false
        }
        channel.closeFuture.whenComplete { _ in self.release(address) }
        return true
    }

    /// Connections open from one address now.
    public func openConnections(from address: SocketAddress?) -> Int {
        open.withLock { $0[Self.key(address)] ?? 0 }
    }

    private func release(_ address: String) {
        open.withLock { counts in
            let held = (counts[address] ?? 1) - 1
            counts[address] = held > 0 ? held : nil
        }
    }

    /// The address without its port: the cap is per host.
    private static func key(_ address: SocketAddress?) -> String {
        address?.ipAddress ?? "unknown"
    }
}
