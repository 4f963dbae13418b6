import Metrics

/// The counters and timers of one device protocol, created once and shared by its connections.
struct DeviceMetrics: Sendable {
    let protocolName: String
    let acknowledged: Counter
    let notDurable: Counter
    let corrupt: Counter
    let closedGarbage: Counter
    let closedIdle: Counter
    let closedUnknown: Counter
    let closedUnavailable: Counter
    let closedFrameRate: Counter
    let closedRebound: Counter
    let closedHandshake: Counter
    let closedConnectionLimit: Counter
    let ackLatency: Metrics.Timer
    let open: Meter

    init(protocolName: String) {
        self.protocolName = protocolName
        func frames(_ result: String) -> Counter {
            Counter(label: "geofleet_device_frames_total", dimensions: [("protocol", protocolName), ("result", result)])
        }
        func closed(_ reason: String) -> Counter {
            Counter(label: "geofleet_device_connections_closed_total", dimensions: [("protocol", protocolName), ("reason", reason)])
        }
        acknowledged = frames("acknowledged")
        notDurable = frames("not_durable")
        corrupt = frames("corrupt")
        closedGarbage = closed("garbage")
        closedIdle = closed("idle")
        closedUnknown = closed("unknown_device")
        closedUnavailable = closed("directory_unavailable")
        closedFrameRate = closed("frame_rate")
        closedRebound = closed("binding_changed")
        closedHandshake = closed("handshake_timeout")
        closedConnectionLimit = closed("connection_limit")
        ackLatency = Metrics.Timer(label: "geofleet_device_ack_seconds", dimensions: [("protocol", protocolName)], preferredDisplayUnit: .seconds)
        open = Meter(label: "geofleet_device_connections_open", dimensions: [("protocol", protocolName)])
    }
}
