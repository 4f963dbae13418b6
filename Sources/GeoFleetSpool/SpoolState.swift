/// One `append` call waiting for its group to become durable.
struct PendingAppend: Sendable {
    var payloads: [[UInt8]]
    /// Encoded size of all its records.
    var bytes: Int
    var continuation: CheckedContinuation<[UInt64], any Error>
    /// Monotonic ns; the group window is measured from the oldest waiting append.
    var enqueuedAt: UInt64
}

/// A segment file and the first sequence it may hold (from its name).
struct SegmentInfo: Sendable {
    var firstSequence: UInt64
    var path: String
}

/// The segment the writer appends to. Only the writer thread changes it after start.
struct ActiveSegment: Sendable {
    var fd: Int32
    var firstSequence: UInt64
    var path: String
    /// Bytes known good (written and synced); a failed group is truncated back to this.
    var length: Int64
    /// Set when a failed group could not be truncated away: the next group starts a new segment.
    var mustRoll = false
}

/// Everything shared between callers and the writer thread, guarded by one `ConditionLock`.
struct SpoolState: Sendable {
    var queue: [PendingAppend] = []
    var queuedBytes = 0
    /// Bytes accepted by `append` but not yet durable (queued or being written).
    var inFlightBytes: Int64 = 0
    /// Durable bytes not yet released.
    var ledger: PendingLedger
    /// Oldest first; the last one is the active segment.
    var segments: [SegmentInfo]
    var active: ActiveSegment
    /// Next sequence to hand out; only the writer assigns sequences, so a failed group can give
    /// its sequences back and numbering stays gap-free.
    var nextSequence: UInt64
    /// Highest durable sequence (or the recovered/committed high-water mark).
    var lastSequence: UInt64
    /// Sequences handed to a group that failed and could not be given back (its truncate failed):
    /// they exist nowhere, and the consumer must not wait for them.
    var burned: [ClosedRange<UInt64>] = []
    var fsyncCount = 0
    var closed = false
    var writerExited = false
    /// Test hook: the next group fails after writing, as if fdatasync returned this errno.
    var injectedSyncFailure: Int32?

    /// Public pending figure: durable-unreleased plus in-flight.
    var pendingBytes: Int64 { ledger.pendingBytes + inFlightBytes }
}
