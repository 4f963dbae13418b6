import GeoFleetCore
import GeoFleetPostGIS
import GeoFleetSpool
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Collects durable (spooled) positions and hands them to PostGIS in batches by size and time,
/// retrying with backoff until PostGIS takes them; then releases them from the spool.
///
/// Batches are committed in spool-sequence order and only as a contiguous run, because the
/// watermark stored with each batch says "everything up to here is in PostGIS".
public final class HistoryQueue: Service, Sendable {
    private struct State {
        var pending: [UInt64: SequencedPositions] = [:]
        var pendingRows = 0
        var nextSequence: UInt64
        var gapSince: ContinuousClock.Instant?
        var gapReported = false
        /// Set by `replayFinished()`: every sequence up to here that was not enqueued does not exist.
        var absentThrough: UInt64?
        var waiter: CheckedContinuation<Void, Never>?
        var finished = false
    }

    private let writer: HistoryWriter
    private let spool: Spool
    private let maxRows: Int
    private let maxDelay: Duration
    private let gapWarning: Duration
    private let logger: Logger
    private let state: Mutex<State>
    private let backlog = Gauge(label: "geofleet_history_backlog_rows")
    private let retries = Counter(label: "geofleet_history_write_retries_total")

    /// - Parameters:
    ///   - committed: the watermark PostGIS holds: the queue expects `committed + 1` next.
    ///   - gapWarning: how long a missing sequence may hold the queue before it is logged (it is
    ///     waited for, never skipped: see `replayFinished()`).
    public init(
        writer: HistoryWriter, spool: Spool, committed: UInt64, maxRows: Int = 10_000,
        maxDelay: Duration = .milliseconds(200), gapWarning: Duration = .seconds(5), logger: Logger
    ) {
        self.writer = writer
        self.spool = spool
        self.maxRows = maxRows
        self.maxDelay = maxDelay
        self.gapWarning = gapWarning
        self.logger = logger
        self.state = Mutex(State(nextSequence: committed + 1))
    }

    /// Rows waiting for PostGIS.
    public var backlogRows: Int { state.withLock { $0.pendingRows } }

    /// Hands over positions that are durable in the spool under `batch.sequence`.
    public func enqueue(_ batch: SequencedPositions) {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { s in
            s.pending[batch.sequence] = batch
            s.pendingRows += batch.positions.count
            let w = s.waiter
            s.waiter = nil
            return w
        }
        backlog.record(backlogRows)
        waiter?.resume()
    }

    /// Says that the spool's replay has enqueued every record it found: a sequence up to
    /// `spool.recoveredThrough` that is still missing does not exist (a record that failed its
    /// checksum, or one the replay dropped) and is passed over. Sequences appended since the open are
    /// always waited for, however late they are enqueued: skipping one would let the watermark pass it.
    public func replayFinished() {
        let through = spool.recoveredThrough
        wakeLoop { $0.absentThrough = through }
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await self.loop()
        } onGracefulShutdown: {
            self.finish()
        }
    }

    /// Stops the loop after it has written what is ready.
    public func finish() {
        wakeLoop { $0.finished = true }
    }

    /// Changes the state and wakes the loop if it waits for work (outside the lock).
    private func wakeLoop(_ change: (inout State) -> Void) {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { s in
            change(&s)
            let w = s.waiter
            s.waiter = nil
            return w
        }
        waiter?.resume()
    }

    private func loop() async {
        while true {
            await waitForWork()
            let finishing = state.withLock { $0.finished }
            // Let a batch fill up, unless it is already full or the queue is stopping.
            if !finishing && state.withLock({ $0.pendingRows }) < maxRows {
                try? await Task.sleep(for: maxDelay)
            }
            var wrote = false
            while let batch = takeBatch() {
                // A failed batch ends the loop: nothing after it may commit, or the watermark would
                // pass it and the spool release it. It and everything later stay in the spool.
                guard await write(batch) else {
                    logger.warning(
                        "history queue stopped with a batch unwritten; it stays in the spool for the next start",
                        metadata: [
                            "first_sequence": "\(batch.first?.sequence ?? 0)", "last_sequence": "\(batch.last?.sequence ?? 0)",
                        ])
                    return
                }
                wrote = true
                if !finishing && state.withLock({ $0.pendingRows }) < maxRows { break }
            }
            // Anything not contiguous stays in the spool for the next start.
            if finishing { return }
            // Work is pending but waits behind a missing sequence: do not spin on it.
            if !wrote { try? await Task.sleep(for: maxDelay) }
        }
    }

    private func waitForWork() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { s -> Bool in
                if s.finished || !s.pending.isEmpty { return true }
                s.waiter = continuation
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// The contiguous run of batches from the next expected sequence, up to `maxRows` rows; nil
    /// when the next sequence is not there yet.
    private func takeBatch() -> [SequencedPositions]? {
        state.withLock { s in
            if s.pending[s.nextSequence] == nil, let absent = s.absentThrough, s.nextSequence <= absent {
                // Replay is over and this sequence was not in it: it does not exist. Pass over the
                // missing run, but never beyond what existed at open.
                let lowest = s.pending.keys.min() ?? absent + 1
                let resume = min(lowest, absent + 1)
                if resume > s.nextSequence {
                    logger.error(
                        "spool sequences missing at replay are passed over",
                        metadata: [
                            "from": "\(s.nextSequence)", "to": "\(resume - 1)",
                        ])
                    s.nextSequence = resume
                }
            }
            if s.pending[s.nextSequence] == nil, let burned = spool.burnedRange(containing: s.nextSequence) {
                // A failed spool group that could not be cut back: those sequences hold nothing.
                logger.warning(
                    "spool sequences burned by a failed group are passed over",
                    metadata: [
                        "from": "\(s.nextSequence)", "to": "\(burned.upperBound)",
                    ])
                s.nextSequence = burned.upperBound + 1
            }
            guard s.pending[s.nextSequence] != nil else {
                // Appended but not enqueued yet (normally microseconds): wait for it, however long.
                if !s.pending.isEmpty {
                    let now = ContinuousClock.now
                    if let since = s.gapSince {
                        if !s.gapReported && now - since > gapWarning {
                            s.gapReported = true
                            logger.warning(
                                "history queue waits for a spool sequence not enqueued yet",
                                metadata: [
                                    "expected": "\(s.nextSequence)", "waiting": "\(s.pending.count)",
                                ])
                        }
                    } else {
                        s.gapSince = now
                    }
                }
                return nil
            }
            s.gapSince = nil
            s.gapReported = false
            var batch: [SequencedPositions] = []
            var rows = 0
            while let next = s.pending[s.nextSequence], rows < maxRows || batch.isEmpty {
                batch.append(next)
                rows += next.positions.count
                s.pending[s.nextSequence] = nil
                s.nextSequence += 1
            }
            return batch
        }
    }

    /// Writes until PostGIS commits; false only when giving up because of shutdown.
    private func write(_ batch: [SequencedPositions]) async -> Bool {
        var delay: Duration = .milliseconds(50)
        var attempt = 0
        while true {
            do {
                let watermark = try await writer.write(batch)
                let rows = batch.reduce(0) { $0 + $1.positions.count }
                state.withLock { $0.pendingRows -= rows }
                backlog.record(backlogRows)
                spool.release(upTo: watermark)
                return true
            } catch {
                attempt += 1
                retries.increment()
                if attempt == 1 || attempt % 20 == 0 {
                    logger.warning(
                        "PostGIS write failed; retrying",
                        metadata: [
                            "attempt": "\(attempt)", "rows": "\(batch.reduce(0) { $0 + $1.positions.count })",
                            "error": "\(String(reflecting: error))",
                        ])
                }
                // A shutdown requested while this batch keeps failing must not wait for PostGIS forever:
                // the batch stays in the spool and is written after the next start.
                if state.withLock({ $0.finished }) && attempt >= 3 { return false }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }
}
