import Synchronization

/// Per-vehicle memory of recently accepted fix times: a device that resends records it was not
/// acknowledged for (or a UDP repeat) must not create a second row for one (vehicle, fix time).
///
/// Bounded: each vehicle keeps its newest `capacity` fix times. A resend is of the newest records
/// (devices send their buffer oldest first and resend only what was not acknowledged), so a small
/// window catches them without a unique index in PostGIS.
public final class RecentFixes: Sendable {
    private struct Window {
        var times: Set<Int64> = []
        var order: [Int64] = []
        var head = 0
    }

    /// One lock stripe (Mutex is non-copyable, so each lives in a class of its own).
    private final class Shard: Sendable {
        let map = Mutex<[Int64: Window]>([:])
    }

    private let capacity: Int
    private let shards: [Shard]

    public init(capacity: Int = 512, shardCount: Int = 64) {
        self.capacity = capacity
        self.shards = (0..<shardCount).map { _ in Shard() }
    }

    private func shard(_ vehicleKey: Int64) -> Shard {
        shards[Int(UInt64(bitPattern: vehicleKey) % UInt64(shards.count))]
    }

    /// Records the fix times that are new for this vehicle and returns their indices in `fixTimes`;
    /// times already seen (or repeated within the call) are left out.
    public func admit(vehicleKey: Int64, fixTimes: [Int64]) -> [Int] {
        shard(vehicleKey).map.withLock { map in
            var window = map[vehicleKey] ?? Window()
            var admitted: [Int] = []
            admitted.reserveCapacity(fixTimes.count)
            for (index, time) in fixTimes.enumerated() where !window.times.contains(time) {
                admitted.append(index)
                insert(time, into: &window)
            }
            map[vehicleKey] = window
            return admitted
        }
    }

    /// Forgets fix times that were admitted but could not be made durable, so a resend is accepted.
    public func revoke(vehicleKey: Int64, fixTimes: [Int64]) {
        shard(vehicleKey).map.withLock { map in
            guard var window = map[vehicleKey] else { return }
            for time in fixTimes { window.times.remove(time) }
            map[vehicleKey] = window
        }
    }

    /// Seeds the window from stored history (after a restart).
    public func seed(vehicleKey: Int64, fixTimes: [Int64]) {
        shard(vehicleKey).map.withLock { map in
            var window = map[vehicleKey] ?? Window()
            for time in fixTimes.sorted() where !window.times.contains(time) { insert(time, into: &window) }
            map[vehicleKey] = window
        }
    }

    /// Drops a vehicle's window (vehicle deleted).
    public func forget(vehicleKey: Int64) {
        _ = shard(vehicleKey).map.withLock { $0.removeValue(forKey: vehicleKey) }
    }

    private func insert(_ time: Int64, into window: inout Window) {
        if window.order.count < capacity {
            window.order.append(time)
        } else {
            // Ring buffer: evict the oldest admitted time.
            window.times.remove(window.order[window.head])
            window.order[window.head] = time
            window.head = (window.head + 1) % capacity
        }
        window.times.insert(time)
    }
}
