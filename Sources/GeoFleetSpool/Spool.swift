import Logging

/// Durable, append-only write-ahead log of opaque payloads with group-committed fsyncs.
///
/// A record stays until the caller releases it (after PostGIS committed it); at start the
/// caller replays `records(after:)`. See `RecordCodec` for the file format and
/// `SegmentScanner` for how damage is handled.
public final class Spool: Sendable {
    /// Largest payload one record may carry.
    public static let maxPayloadBytes = 16 << 20

    private let writer: GroupCommitWriter
    private let directory: String
    private let metrics: SpoolMetrics
    private let logger: Logger
    /// Every sequence up to here existed before this open: found intact at recovery (and replayed by
    /// `records(after:)`), committed downstream, or lost (a damaged record). Appends get higher ones.
    public let recoveredThrough: UInt64

    /// Opens (or creates) the spool; scans existing segments, verifies checksums, truncates a torn
    /// tail in the last segment; the next sequence is > every sequence found and > `sequencesAfter`.
    /// - Parameters:
    ///   - sequencesAfter: new sequences lie above it (the highest any consumer has seen).
    ///   - committedThrough: what every consumer has committed (the lowest of their watermarks): only
    ///     records at or below it may be dropped. nil: `sequencesAfter` (a single consumer).
    public init(configuration: SpoolConfiguration, sequencesAfter: UInt64, committedThrough: UInt64? = nil, logger: Logger) throws {
        var logger = logger
        logger[metadataKey: "spool"] = "\(configuration.directory)"
        let metrics = SpoolMetrics()
        let state = try SpoolRecovery.recover(
            configuration: configuration, sequencesAfter: sequencesAfter,
            committedThrough: min(committedThrough ?? sequencesAfter, sequencesAfter), metrics: metrics, logger: logger)
        self.recoveredThrough = state.lastSequence
        self.writer = GroupCommitWriter(state: state, configuration: configuration, metrics: metrics, logger: logger)
        self.directory = configuration.directory
        self.metrics = metrics
        self.logger = logger
        writer.start()
    }

    deinit {
        writer.close()
    }

    /// Every intact record with sequence > `after`, oldest first (for replay at start).
    public func records(after: UInt64) throws -> [SpoolRecord] {
        // Snapshot: the active segment is read only up to its durable length, never a group in flight.
        let (segments, active) = writer.lock.withLock { ($0.segments, $0.active) }
        let scanner = SegmentScanner(maxPayload: Spool.maxPayloadBytes)
        var records: [SpoolRecord] = []
        for (index, segment) in segments.enumerated() {
            if index + 1 < segments.count, segments[index + 1].firstSequence &- 1 <= after { continue }
            let limit = segment.firstSequence == active.firstSequence ? active.length : nil
            // nil: released (deleted) meanwhile, so nothing in it is wanted any more.
            guard let bytes = try POSIXFile.readAll(segment.path, limit: limit) else { continue }
            bytes.withUnsafeBytes { raw in
                _ = scanner.scan(raw, firstSequence: segment.firstSequence) { sequence, payload in
                    if sequence > after { records.append(SpoolRecord(sequence: sequence, payload: Array(raw[payload]))) }
                }
            }
        }
        return records
    }

    /// Appends one payload; returns its sequence once it is written and fdatasync'ed.
    /// Throws `.full` over the pending limit, `.io` if the group's write or sync failed.
    public func append(_ payload: [UInt8]) async throws -> UInt64 {
        try await append(contentsOf: [payload])[0]
    }

    /// Appends several payloads in order, in one group; returns their sequences once durable.
    /// Once queued the append completes even if the task is cancelled: the bytes may be on disk.
    public func append(contentsOf payloads: [[UInt8]]) async throws -> [UInt64] {
        if payloads.isEmpty { return [] }
        if let large = payloads.first(where: { $0.count > Spool.maxPayloadBytes }) {
            throw SpoolError.payloadTooLarge(large.count)
        }
        return try await withCheckedThrowingContinuation { continuation in
            writer.enqueue(payloads, continuation)
        }
    }

    /// Everything up to `sequence` is committed downstream: lowers the pending byte count and
    /// deletes the segments holding only sequences <= `sequence` (never the active one).
    public func release(upTo sequence: UInt64) {
        let (removed, pending, segmentCount) = writer.lock.withLock { s in
            s.ledger.release(upTo: sequence)
            s.burned.removeAll { $0.upperBound <= sequence }
            return (s.takeReleasableSegments(upTo: sequence), s.pendingBytes, s.segments.count)
        }
        // Unlinked outside the lock; a lost unlink (crash) is harmless, replay filters by sequence.
        for segment in removed {
            do {
                try POSIXFile.unlink(segment.path)
                logger.debug("spool segment released", metadata: ["segment": "\(segment.path)"])
            } catch {
                logger.warning("spool cannot delete released segment", metadata: ["error": "\(error)"])
            }
        }
        metrics.pendingBytes.record(pending)
        metrics.segments.record(segmentCount)
    }

    /// The run of sequences around `sequence` that were burned (a failed group whose records could
    /// not be cut back): no record holds them, so a consumer may pass over them. nil otherwise.
    public func burnedRange(containing sequence: UInt64) -> ClosedRange<UInt64>? {
        writer.lock.withLock { s in s.burned.first { $0.contains(sequence) } }
    }

    /// Bytes appended (including those in flight) and not yet released.
    public var pendingBytes: Int64 { writer.lock.withLock { $0.pendingBytes } }

    /// Highest durable sequence (after open: the highest found or `sequencesAfter`).
    public var lastSequence: UInt64 { writer.lock.withLock { $0.lastSequence } }

    /// Group commits so far (one fdatasync each); for tests and diagnostics.
    public var fsyncCount: Int { writer.lock.withLock { $0.fsyncCount } }

    /// Flushes pending appends, stops the writer thread; later appends throw `.closed`. Idempotent.
    public func close() {
        writer.close()
    }

    /// Test hook: the next group is written but its fdatasync "fails" with `errno`, exercising the
    /// truncate-and-give-back path without needing a full disk.
    package func injectSyncFailure(errno: Int32) {
        writer.lock.withLock { $0.injectedSyncFailure = errno }
    }
}
