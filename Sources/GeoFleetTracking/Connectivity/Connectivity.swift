/// Whether a vehicle's tracker is reachable (Traccar's device status; the seed's FleetStatusJob).
public enum Connectivity: String, Sendable, CaseIterable {
    case online, unknown, offline
}

/// When a vehicle is `online`, `unknown` or `offline`.
public struct ConnectivityRule: Sendable, Equatable {
    /// No fix and no open connection for this long: `unknown` (`GEOFLEET_STATUS_TIMEOUT_SECONDS`).
    public var unknownAfter: Int64
    /// … and for this long: `offline` (`GEOFLEET_OFFLINE_TIMEOUT_SECONDS`).
    public var offlineAfter: Int64

    public init(unknownAfterSeconds: Int64 = 600, offlineAfterSeconds: Int64 = 3600) {
        self.unknownAfter = unknownAfterSeconds * 1000
        self.offlineAfter = max(unknownAfterSeconds, offlineAfterSeconds) * 1000
    }

    /// `lastSeen`: when the vehicle's device last sent a fix (ms), nil when never.
    public func classify(lastSeen: Int64?, connected: Bool, now: Int64) -> Connectivity {
        if connected { return .online }
        guard let lastSeen else { return .offline }
        let silent = now - lastSeen
        if silent <= unknownAfter { return .online }
        return silent <= offlineAfter ? .unknown : .offline
    }
}
