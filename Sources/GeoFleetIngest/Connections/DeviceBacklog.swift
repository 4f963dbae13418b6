import Metrics
import Synchronization

/// Frames waiting for their sessions over one listener's connections: a gauge for `/metrics`, and
/// the most one connection ever held (which the per-connection limit bounds).
final class DeviceBacklog: Sendable {
    private let gauge: Meter
    private let total = Atomic<Int>(0)
    private let peak = Atomic<Int>(0)

    init(protocolName: String) {
        gauge = Meter(label: "geofleet_device_frames_buffered", dimensions: [("protocol", protocolName)])
    }

    /// One more frame queued; `connectionBuffered` is that connection's count afterwards.
    func queued(_ connectionBuffered: Int) {
        let now = total.add(1, ordering: .relaxed).newValue
        gauge.set(now)
        _ = peak.max(connectionBuffered, ordering: .relaxed)
    }

    /// `count` frames taken by sessions or dropped with their connection.
    func release(_ count: Int) {
        guard count > 0 else { return }
        gauge.set(total.subtract(count, ordering: .relaxed).newValue)
    }

    /// Frames waiting now, over all connections.
    var waiting: Int { total.load(ordering: .relaxed) }

    /// The most frames one connection of this listener held at once.
    var peakPerConnection: Int { peak.load(ordering: .relaxed) }
}
