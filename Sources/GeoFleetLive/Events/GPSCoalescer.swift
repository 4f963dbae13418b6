import Foundation

/// Holds a subscriber's GPS updates so that each vehicle gets at most one per interval; the newest
/// held update replaces an older one. Other events pass straight through.
public struct GPSCoalescer: Sendable {
    public let intervalMs: Int64
    private var lastSent: [UUID: Int64] = [:]
    private var pending: [UUID: FleetEvent] = [:]
    /// The highest sequence handed out so far.
    private var highestSent: UInt64 = 0

    public init(intervalMs: Int64 = 1000) {
        self.intervalMs = intervalMs
    }

    /// The event to send now, or nil when it is held for later.
    public mutating func offer(_ event: FleetEvent, now: Int64) -> FleetEvent? {
        guard event.kind == .gpsUpdate else { return sent(event, now: nil) }
        if let last = lastSent[event.vehicleID], now - last < intervalMs {
            pending[event.vehicleID] = event
            return nil
        }
        pending.removeValue(forKey: event.vehicleID)
        return sent(event, now: now)
    }

    /// Held updates whose interval has passed, in sequence order.
    public mutating func due(now: Int64) -> [FleetEvent] {
        let ready = pending.values.filter { now - (lastSent[$0.vehicleID] ?? .min) >= intervalMs }.sorted { $0.sequence < $1.sequence }
        for event in ready {
            pending.removeValue(forKey: event.vehicleID)
            _ = sent(event, now: now)
        }
        return ready
    }

    /// The sequence a client may safely resume after: nothing at or below it is still held.
    public var resumePoint: UInt64 {
        guard let oldestHeld = pending.values.map(\.sequence).min() else { return highestSent }
        return min(highestSent, oldestHeld - 1)
    }

    private mutating func sent(_ event: FleetEvent, now: Int64?) -> FleetEvent {
        if let now { lastSent[event.vehicleID] = now }
        highestSent = max(highestSent, event.sequence)
        return event
    }
}
