import Foundation
import Synchronization

/// A bounded least-recently-used map with a time to live, safe to share between tasks.
public final class LRUCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        var key: Key
        var value: Value
        var expires: ContinuousClock.Instant
        var previous: Int
        var next: Int
    }

    /// Doubly linked list over an array (indices, not references): no per-entry allocation, no ARC traffic.
    private struct Storage {
        var index: [Key: Int] = [:]
        var entries: [Entry] = []
        var head = -1 // most recent
        var tail = -1 // least recent
        var freeSlots: [Int] = []

        mutating func unlink(_ slot: Int) {
            let entry = entries[slot]
            if entry.previous >= 0 { entries[entry.previous].next = entry.next } else { head = entry.next }
            if entry.next >= 0 { entries[entry.next].previous = entry.previous } else { tail = entry.previous }
        }

        mutating func pushFront(_ slot: Int) {
            entries[slot].previous = -1
            entries[slot].next = head
            if head >= 0 { entries[head].previous = slot }
            head = slot
            if tail < 0 { tail = slot }
        }

        mutating func remove(_ slot: Int) {
            unlink(slot)
            index[entries[slot].key] = nil
            freeSlots.append(slot)
        }
    }

    public let capacity: Int
    public let timeToLive: Duration
    private let storage = Mutex(Storage())
    private let now: @Sendable () -> ContinuousClock.Instant

    public init(capacity: Int, timeToLive: Duration, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.capacity = max(capacity, 1)
        self.timeToLive = timeToLive
        self.now = now
    }

    public var count: Int { storage.withLock { $0.index.count } }

    public func value(for key: Key) -> Value? {
        let instant = now()
        return storage.withLock { storage -> Value? in
            guard let slot = storage.index[key] else { return nil }
            if storage.entries[slot].expires <= instant {
                storage.remove(slot)
                return nil
            }
            storage.unlink(slot)
            storage.pushFront(slot)
            return storage.entries[slot].value
        }
    }

    public func set(_ value: Value, for key: Key) {
        let expires = now() + timeToLive
        storage.withLock { storage in
            if let slot = storage.index[key] {
                storage.entries[slot].value = value
                storage.entries[slot].expires = expires
                storage.unlink(slot)
                storage.pushFront(slot)
                return
            }
            if storage.index.count >= capacity, storage.tail >= 0 { storage.remove(storage.tail) }
            let entry = Entry(key: key, value: value, expires: expires, previous: -1, next: -1)
            let slot: Int
            if let free = storage.freeSlots.popLast() {
                storage.entries[free] = entry
                slot = free
            } else {
                storage.entries.append(entry)
                slot = storage.entries.count - 1
            }
            storage.index[key] = slot
            storage.pushFront(slot)
        }
    }
}
