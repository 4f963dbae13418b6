import Foundation
import GeoFleetPlatform
import Logging

/// Owns the writer thread: collects queued appends for up to the group window, writes them with
/// one pwrite, makes them durable with one fdatasync, then resumes every waiting caller.
///
/// Why a dedicated OS thread: fdatasync blocks for milliseconds; doing it on the cooperative pool
/// or an event loop would stall unrelated work. Callers only suspend on a continuation.
final class GroupCommitWriter: Sendable {
    let lock: ConditionLock<SpoolState>
    private let segmentBytes: Int
    private let maxPendingBytes: Int64
    private let windowNanos: UInt64
    /// A group is flushed before the window ends once this many bytes are queued.
    private let flushBytes: Int
    private let directory: String
    private let metrics: SpoolMetrics
    private let logger: Logger

    init(state: SpoolState, configuration: SpoolConfiguration, metrics: SpoolMetrics, logger: Logger) {
        lock = ConditionLock(state)
        segmentBytes = max(1, configuration.segmentBytes)
        maxPendingBytes = configuration.maxPendingBytes
        windowNanos = MonotonicTime.nanoseconds(configuration.groupCommitWindow)
        flushBytes = max(1, min(4 << 20, configuration.segmentBytes))
        directory = configuration.directory
        self.metrics = metrics
        self.logger = logger
    }

    func start() {
        Blocking.startThread(name: "geofleet-spool-writer") { [self] in run() }
    }

    /// Queues `payloads` as one unit; `continuation` gets their sequences once durable, or an error.
    func enqueue(_ payloads: [[UInt8]], _ continuation: CheckedContinuation<[UInt64], any Error>) {
        let bytes = payloads.reduce(0) { $0 + RecordCodec.recordBytes(payloadCount: $1.count) }
        let now = MonotonicTime.nanoseconds()
        let outcome: Result<Bool, SpoolError> = lock.withLock { s in
            if s.closed { return .failure(.closed) }
            let pending = s.pendingBytes
            if pending + Int64(bytes) > maxPendingBytes {
                return .failure(.full(pendingBytes: pending, limit: maxPendingBytes))
            }
            let wasEmpty = s.queue.isEmpty
            s.queue.append(PendingAppend(payloads: payloads, bytes: bytes, continuation: continuation, enqueuedAt: now))
            s.queuedBytes += bytes
            s.inFlightBytes += Int64(bytes)
            // Only these two events change what the writer is waiting for.
            return .success(wasEmpty || s.queuedBytes >= flushBytes)
        }
        switch outcome {
        case let .success(wake):
            if wake { lock.broadcast() }
        case let .failure(error):
            if case .full = error { metrics.rejectedFull.increment() }
            continuation.resume(throwing: error)
        }
    }

    /// Stops accepting appends, lets the writer flush what is queued, and waits for it to exit.
    func close() {
        lock.withLock { $0.closed = true }
        lock.broadcast()
        lock.withLock(waitingUntil: { $0.writerExited }) { _ in }
    }

    // MARK: - Writer thread

    private struct Group {
        var appends: [PendingAppend]
        var active: ActiveSegment
        var firstSequence: UInt64
        var injectedFailure: Int32?
    }

    private func run() {
        while let group = nextGroup() {
            commit(group)
        }
        let fd = lock.withLock { s in
            s.writerExited = true
            return s.active.fd
        }
        POSIXFile.close(fd)
        lock.broadcast()
    }

    /// Blocks until work arrives, then collects for at most the window; nil once closed and drained.
    private func nextGroup() -> Group? {
        let oldest = lock.withLock(waitingUntil: { !$0.queue.isEmpty || $0.closed }) { $0.queue.first?.enqueuedAt }
        guard let oldest else { return nil }
        let flushBytes = flushBytes
        return lock.withLock(waitingUntil: { $0.closed || $0.queuedBytes >= flushBytes }, deadline: oldest + windowNanos) { s in
            let group = Group(
                appends: s.queue, active: s.active, firstSequence: s.nextSequence,
                injectedFailure: s.injectedSyncFailure)
            s.queue.removeAll(keepingCapacity: true)
            s.queuedBytes = 0
            s.injectedSyncFailure = nil
            return group
        }
    }

    private func commit(_ group: Group) {
        let started = MonotonicTime.nanoseconds()
        var buffer: [UInt8] = []
        buffer.reserveCapacity(group.appends.reduce(0) { $0 + $1.bytes })
        var sequence = group.firstSequence
        var assigned: [[UInt64]] = []
        assigned.reserveCapacity(group.appends.count)
        var ledgerEntries: [(UInt64, Int64)] = []
        for append in group.appends {
            var sequences: [UInt64] = []
            sequences.reserveCapacity(append.payloads.count)
            for payload in append.payloads {
                RecordCodec.encode(sequence: sequence, payload: payload, into: &buffer)
                sequences.append(sequence)
                ledgerEntries.append((sequence, Int64(RecordCodec.recordBytes(payloadCount: payload.count))))
                sequence += 1
            }
            assigned.append(sequences)
        }
        let lastSequence = sequence - 1

        var active = group.active
        do {
            if active.mustRoll || (active.length > 0 && active.length + Int64(buffer.count) > Int64(segmentBytes)) {
                active = try roll(from: active, firstSequence: group.firstSequence)
            }
            try POSIXFile.pwriteAll(active.fd, buffer, at: active.length, path: active.path)
            if let code = group.injectedFailure {
                throw SpoolError.io(operation: "fdatasync \(active.path) (injected)", errno: code)
            }
            try POSIXFile.fdatasync(active.fd, path: active.path)
        } catch {
            fail(group, active: active, lastSequence: lastSequence, bytes: buffer.count, error: error)
            return
        }

        active.length += Int64(buffer.count)
        let (pending, fsyncs) = lock.withLock { s in
            s.active = active
            s.nextSequence = lastSequence + 1
            s.lastSequence = lastSequence
            s.inFlightBytes -= Int64(buffer.count)
            for (sequence, bytes) in ledgerEntries { s.ledger.add(lastSequence: sequence, bytes: bytes) }
            s.fsyncCount += 1
            return (s.pendingBytes, s.fsyncCount)
        }
        metrics.fsyncs.increment()
        metrics.appends.increment(by: ledgerEntries.count)
        metrics.groupSize.record(ledgerEntries.count)
        metrics.pendingBytes.record(pending)
        metrics.commitSeconds.recordNanoseconds(MonotonicTime.nanoseconds() - started)
        logger.trace(
            "spool group committed",
            metadata: [
                "records": "\(ledgerEntries.count)", "bytes": "\(buffer.count)", "last_sequence": "\(lastSequence)",
                "fsyncs": "\(fsyncs)",
            ])
        for (append, sequences) in zip(group.appends, assigned) {
            append.continuation.resume(returning: sequences)
        }
    }

    /// Nothing of a failed group is durable: cut the segment back to its last good length and give
    /// the sequences back. If even the truncate fails, burn the sequences and move to a new
    /// segment so a half-written record can never share a sequence with a later one.
    private func fail(_ group: Group, active: ActiveSegment, lastSequence: UInt64, bytes: Int, error: any Error) {
        var active = active
        var next = group.firstSequence
        do {
            try POSIXFile.truncate(active.fd, to: active.length, path: active.path)
        } catch {
            logger.error(
                "spool cannot truncate failed group; rolling to a new segment",
                metadata: [
                    "segment": "\(active.path)", "error": "\(error)",
                ])
            active.mustRoll = true
            next = lastSequence + 1
        }
        lock.withLock { s in
            s.active = active
            s.nextSequence = next
            s.inFlightBytes -= Int64(bytes)
            if next > group.firstSequence { s.burned.append(group.firstSequence...(next - 1)) }
        }
        metrics.failedCommits.increment()
        let spoolError = error as? SpoolError ?? .io(operation: "commit", errno: EIO)
        logger.error(
            "spool group commit failed; appends not acknowledged",
            metadata: [
                "appends": "\(group.appends.count)", "segment": "\(active.path)", "error": "\(spoolError)",
            ])
        for append in group.appends {
            append.continuation.resume(throwing: spoolError)
        }
    }

    /// Starts segment `seg-<firstSequence>.log` and makes its directory entry durable.
    private func roll(from old: ActiveSegment, firstSequence: UInt64) throws -> ActiveSegment {
        let path = directory + "/" + SegmentName.fileName(firstSequence: firstSequence)
        // O_TRUNC: a leftover file of that name can only be an earlier failed roll; nothing in it was acknowledged.
        let fd = try POSIXFile.open(path, flags: O_RDWR | O_CREAT | O_TRUNC)
        do {
            try POSIXFile.fsyncDirectory(directory)
        } catch {
            POSIXFile.close(fd)
            throw error
        }
        let active = ActiveSegment(fd: fd, firstSequence: firstSequence, path: path, length: 0)
        let segmentCount = lock.withLock { s in
            s.segments.append(SegmentInfo(firstSequence: firstSequence, path: path))
            s.active = active
            return s.segments.count
        }
        POSIXFile.close(old.fd)
        metrics.segments.record(segmentCount)
        logger.debug("spool segment started", metadata: ["segment": "\(path)"])
        return active
    }
}
