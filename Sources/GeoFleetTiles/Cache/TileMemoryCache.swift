import Synchronization

/// Encoded tiles in memory, least recently used dropped first once their bytes pass a cap.
public final class TileMemoryCache: Sendable {
    private struct Entry {
        var bytes: [UInt8]
        var previous: TileKey?
        var next: TileKey?
    }

    private struct State {
        var entries: [TileKey: Entry] = [:]
        /// The most recently used key, and the least.
        var head: TileKey?
        var tail: TileKey?
        var bytes = 0

        mutating func unlink(_ key: TileKey) {
            guard let entry = entries[key] else { return }
            if let p = entry.previous { entries[p]?.next = entry.next } else { head = entry.next }
            if let n = entry.next { entries[n]?.previous = entry.previous } else { tail = entry.previous }
            entries[key]?.previous = nil
            entries[key]?.next = nil
        }

        mutating func pushFront(_ key: TileKey) {
            entries[key]?.next = head
            entries[key]?.previous = nil
            if let h = head { entries[h]?.previous = key }
            head = key
            if tail == nil { tail = key }
        }
    }

    public let capacityBytes: Int
    private let state = Mutex(State())

    public init(capacityBytes: Int) {
        self.capacityBytes = max(0, capacityBytes)
    }

    /// The tile's bytes, now the most recently used; nil when absent.
    public func get(_ key: TileKey) -> [UInt8]? {
        state.withLock { s in
            guard let bytes = s.entries[key]?.bytes else { return nil }
            s.unlink(key)
            s.pushFront(key)
            return bytes
        }
    }

    /// Keeps the tile, dropping the least recently used until the cap holds; a tile bigger than the cap is not kept.
    public func put(_ key: TileKey, _ bytes: [UInt8]) {
        guard bytes.count <= capacityBytes else { return }
        state.withLock { s in
            if let old = s.entries[key] {
                s.unlink(key)
                s.bytes -= old.bytes.count
                s.entries[key] = nil
            }
            s.entries[key] = Entry(bytes: bytes)
            s.pushFront(key)
            s.bytes += bytes.count
            while s.bytes > capacityBytes, let last = s.tail {
                s.unlink(last)
                s.bytes -= s.entries[last]?.bytes.count ?? 0
                s.entries[last] = nil
            }
        }
    }

    /// Bytes held now.
    public var bytes: Int { state.withLock { $0.bytes } }
    /// Tiles held now.
    public var count: Int { state.withLock { $0.entries.count } }
}
