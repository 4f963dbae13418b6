import Atomics

/// Counters shared by every simulated device (updated from the event loops, read by the reporter).
final class SimulationStats: Sendable {
    let handshakesAccepted = ManagedAtomic<Int>(0)
    let refusedDevices = ManagedAtomic<Int>(0)
    let failedConnections = ManagedAtomic<Int>(0)
    let packetsSent = ManagedAtomic<Int>(0)
    let positionsSent = ManagedAtomic<Int>(0)
    let packetsAcknowledged = ManagedAtomic<Int>(0)
    let positionsAcknowledged = ManagedAtomic<Int>(0)
    /// ACKs whose count differs from the records sent (records the daemon dropped or refused).
    let ackCountMismatches = ManagedAtomic<Int>(0)
    /// Packets still waiting for their ACK when the connection closed.
    let unacknowledgedPackets = ManagedAtomic<Int>(0)
    /// Connections that closed before the end of the run.
    let disconnectedDevices = ManagedAtomic<Int>(0)
    /// Sends that were due while the previous packet was still unacknowledged (the daemon is slower than the offered rate).
    let lateSends = ManagedAtomic<Int>(0)
    /// Uptime nanoseconds of the newest ACK.
    let lastAckNanos = ManagedAtomic<Int>(0)
    let latencyMicros = LatencyHistogram()

    func noteAck(atNanos now: Int) {
        var seen = lastAckNanos.load(ordering: .relaxed)
        while now > seen {
            let (exchanged, original) = lastAckNanos.compareExchange(expected: seen, desired: now, ordering: .relaxed)
            if exchanged { break }
            seen = original
        }
    }
}

extension ManagedAtomic where Value == Int {
    @inline(__always) func add(_ n: Int = 1) { wrappingIncrement(by: n, ordering: .relaxed) }
    @inline(__always) var value: Int { load(ordering: .relaxed) }
}
