/// Tracks how many durable bytes are not yet released, so `release(upTo:)` can lower the count
/// for any sequence, including records in the active segment.
///
/// Why coarsening: one entry per record would cost 16 bytes of RAM per spooled record during a
/// long PostGIS outage. Past `maxEntries` every second entry is dropped; its bytes merge into the
/// next entry, which is then released only once fully covered. The count stays exact or errs
/// high (never lets the spool exceed its limit), and converges once releases catch up.
package struct PendingLedger: Sendable {
    private struct Entry {
        var lastSequence: UInt64
        /// Cumulative appended bytes up to and including this entry.
        var end: Int64
    }

    private var entries: [Entry] = []
    private var head = 0
    private var appended: Int64 = 0
    private var released: Int64 = 0
    private let maxEntries: Int

    package init(maxEntries: Int = 1 << 17) { self.maxEntries = max(2, maxEntries) }

    package var pendingBytes: Int64 { appended - released }

    /// Number of entries held (for tests).
    package var entryCount: Int { entries.count - head }

    /// Records durable bytes for sequences up to `lastSequence` (call in sequence order).
    package mutating func add(lastSequence: UInt64, bytes: Int64) {
        appended += bytes
        entries.append(Entry(lastSequence: lastSequence, end: appended))
        if entryCount > maxEntries { coarsen() }
    }

    /// Marks everything up to `sequence` as released.
    package mutating func release(upTo sequence: UInt64) {
        while head < entries.count, entries[head].lastSequence <= sequence {
            released = entries[head].end
            head += 1
        }
        if head == entries.count {
            entries.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 4096, head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }

    private mutating func coarsen() {
        var kept: [Entry] = []
        kept.reserveCapacity(maxEntries)
        let live = entries[head...]
        for (index, entry) in live.enumerated() where index % 2 == 1 || index == live.count - 1 {
            kept.append(entry)
        }
        entries = kept
        head = 0
    }
}
