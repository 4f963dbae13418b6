import GeoFleetCore
import GeoFleetPlatform
import GeoFleetPostGIS
import GeoFleetSpool
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Collects durable (spooled) positions and hands them to PostGIS over parallel writer streams, in
/// batches by size and time, retrying with backoff until PostGIS takes them; then releases them
/// from the spool.
///
/// Spool records are taken in sequence order, only as a contiguous run, and each position goes to
/// its vehicle's stream (`WriterStreams.stream(forVehicle:count:)`). A stream commits its batches in
/// order, each with its own watermark row. The spool is released up to the point below which every
/// stream has committed all it was given: a stalled stream holds the release, not the others.
///
/// A ``PositionTap`` (event evaluation) may follow the same run as one more stream: it sees every
/// record once, in sequence order, and holds the spool's release like a writer until it has handled it.
public final class HistoryQueue: Service, Sendable {
    struct Stream {
        /// Given to the stream, not yet taken by its writer; in sequence order.
        var queue: [SequencedPositions] = []
        var rows = 0
        /// The first sequence of the batch being written.
        var inFlightFirst: UInt64?
        var inFlightReceived: Int64?
        var waiter: CheckedContinuation<Void, Never>?
    }

    struct State {
        var pending: [UInt64: SequencedPositions] = [:]
        /// Rows enqueued and not yet committed (pending, queued in a stream, or being written).
        var backlogRows = 0
        var nextSequence: UInt64
        var gapSince: ContinuousClock.Instant?
        var gapReported = false
        /// Set by `replayFinished()`: every sequence up to here that was not enqueued does not exist.
        var absentThrough: UInt64?
        var finished = false
        /// The last contiguous run has been handed out after `finish()`.
        var closed = false
        var streams: [Stream]
        var released: UInt64
        /// Per writer stream: records at or below were committed before this start (replay skips them there).
        var watermarks: [UInt64]
        /// Records at or below were handled by the tap before this start.
        var tapThrough: UInt64
    }

    private let writers: [HistoryWriter]
    private let tap: (any PositionTap)?
    private let spool: Spool
    private let maxRows: Int
    private let maxDelay: Duration
    /// How long the tap lets a batch fill: events wait for it, so it is far shorter than `maxDelay`.
    private let tapDelay: Duration
    private let gapWarning: Duration
    private let logger: Logger
    private let state: Mutex<State>
    private let rate = Mutex(CommitRate())
    private let backlog = Gauge(label: "geofleet_history_backlog_rows")
    private let backlogSeconds = Gauge(label: "geofleet_history_backlog_seconds")
    private let lagSeconds = Gauge(label: "geofleet_history_lag_seconds")
    private let retries = Counter(label: "geofleet_history_write_retries_total")

    /// - Parameters:
    ///   - writers: one per stream, `writers[i].stream == i`.
    ///   - watermarks: each writer stream's committed watermark (`watermarks.count == writers.count`).
    ///   - tap: follows every record in order after the writers' streams; nil: none.
    ///   - maxRows: rows per stream batch.
    ///   - gapWarning: how long a missing sequence may hold the queue before it is logged (it is
    ///     waited for, never skipped: see `replayFinished()`).
    public init(
        writers: [HistoryWriter], watermarks: [UInt64], tap: (any PositionTap)? = nil, spool: Spool, maxRows: Int = 10_000,
        maxDelay: Duration = .milliseconds(200), tapDelay: Duration = .milliseconds(10), gapWarning: Duration = .seconds(5), logger: Logger
    ) {
        precondition(!writers.isEmpty && writers.enumerated().allSatisfy { $0.offset == $0.element.stream }, "writers must be streams 0…n-1")
        precondition(watermarks.count == writers.count, "one watermark per writer stream")
        self.writers = writers
        self.tap = tap
        self.spool = spool
        self.maxRows = maxRows
        self.maxDelay = maxDelay
        self.tapDelay = tapDelay
        self.gapWarning = gapWarning
        self.logger = logger
        let tapThrough = tap?.handledThrough ?? UInt64.max
        let start = min(watermarks.min() ?? 0, tapThrough)
        self.state = Mutex(
            State(
                nextSequence: start + 1, streams: Array(repeating: Stream(), count: writers.count + (tap == nil ? 0 : 1)), released: start,
                watermarks: watermarks, tapThrough: tapThrough))
    }

    /// Writer streams that all committed through `committed`, no tap.
    public convenience init(
        writers: [HistoryWriter], spool: Spool, committed: UInt64, maxRows: Int = 10_000,
        maxDelay: Duration = .milliseconds(200), gapWarning: Duration = .seconds(5), logger: Logger
    ) {
        self.init(
            writers: writers, watermarks: Array(repeating: committed, count: writers.count), spool: spool, maxRows: maxRows, maxDelay: maxDelay,
            gapWarning: gapWarning, logger: logger)
    }

    /// One writer stream.
    public convenience init(
        writer: HistoryWriter, spool: Spool, committed: UInt64, maxRows: Int = 10_000,
        maxDelay: Duration = .milliseconds(200), gapWarning: Duration = .seconds(5), logger: Logger
    ) {
        self.init(writers: [writer], spool: spool, committed: committed, maxRows: maxRows, maxDelay: maxDelay, gapWarning: gapWarning, logger: logger)
    }

    /// Rows waiting for PostGIS.
    public var backlogRows: Int { state.withLock { $0.backlogRows } }

    /// How long the backlog takes to drain at the recent commit rate (rows/s over the last seconds);
    /// nil when nothing committed lately while rows wait.
    public var backlogDrainSeconds: Double? {
        let rows = backlogRows
        if rows == 0 { return 0 }
        let perSecond = rate.withLock { $0.rowsPerSecond(now: .now) }
        return perSecond > 0 ? Double(rows) / perSecond : nil
    }

    /// Hands over positions that are durable in the spool under `batch.sequence`.
    public func enqueue(_ batch: SequencedPositions) {
        let woken = state.withLock { s in
            s.pending[batch.sequence] = batch
            s.backlogRows += batch.positions.count
            return advance(&s)
        }
        for waiter in woken { waiter.resume() }
    }

    /// Says that the spool's replay has enqueued every record it found: a sequence up to
    /// `spool.recoveredThrough` that is still missing does not exist (a record that failed its
    /// checksum, or one the replay dropped) and is passed over. Sequences appended since the open are
    /// always waited for, however late they are enqueued: skipping one would let the watermark pass it.
    public func replayFinished() {
        let through = spool.recoveredThrough
        let woken = state.withLock { s in
            s.absentThrough = through
            return advance(&s)
        }
        for waiter in woken { waiter.resume() }
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.watchGaps() }
                for stream in 0..<(self.writers.count + (self.tap == nil ? 0 : 1)) {
                    group.addTask { await self.drain(stream: stream) }
                }
            }
        } onGracefulShutdown: {
            self.finish()
        }
    }

    /// Stops the streams after they have written what is ready.
    public func finish() {
        let woken = state.withLock { s in
            s.finished = true
            return Self.takeStreamWaiters(&s)
        }
        for waiter in woken { waiter.resume() }
    }

    /// Every `maxDelay`: passes over sequences known not to exist, warns about a long gap, publishes
    /// the backlog; after `finish()`, hands out the last run and closes the distribution.
    private func watchGaps() async {
        while true {
            // Cancelled rather than shut down gracefully: stop the same way (a cancelled sleep would spin).
            if Task.isCancelled { finish() }
            let finishing = state.withLock { $0.finished }
            if !finishing { try? await Task.sleep(for: maxDelay) }
            let woken = state.withLock { s in
                var woken = advance(&s)
                if s.finished {
                    s.closed = true
                    woken += Self.takeStreamWaiters(&s)
                }
                return woken
            }
            for waiter in woken { waiter.resume() }
            publishBacklog()
            if finishing { return }
        }
    }

    /// One stream's loop: wait for rows, let a batch fill, write it, release the spool.
    private func drain(stream: Int) async {
        while true {
            await waitForRows(stream: stream)
            let (finishing, queued) = state.withLock { ($0.finished, $0.streams[stream].rows) }
            // Let a batch fill up, unless it is already full or the queue is stopping.
            if !finishing && queued < maxRows { try? await Task.sleep(for: stream == writers.count ? tapDelay : maxDelay) }
            guard let batch = take(stream: stream) else {
                if state.withLock({ $0.closed && $0.streams[stream].queue.isEmpty }) { return }
                // Stopping, and the last run is not handed out yet.
                await Task.yield()
                continue
            }
            // A failed batch ends this stream: nothing after it may commit in it, or its watermark
            // would pass it. It and everything later stay in the spool for the next start.
            guard await write(batch, stream: stream) else {
                logger.warning(
                    "history stream stopped with a batch unwritten; it stays in the spool for the next start",
                    metadata: [
                        "writer_stream": "\(stream)", "first_sequence": "\(batch.first?.sequence ?? 0)",
                        "last_sequence": "\(batch.last?.sequence ?? 0)",
                    ])
                return
            }
        }
    }

    private func waitForRows(stream: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { s -> Bool in
                if s.finished || !s.streams[stream].queue.isEmpty { return true }
                s.streams[stream].waiter = continuation
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Up to `maxRows` rows (at least one record) from the front of the stream's queue.
    private func take(stream: Int) -> [SequencedPositions]? {
        state.withLock { s in
            guard !s.streams[stream].queue.isEmpty else { return nil }
            var count = 0
            var rows = 0
            for batch in s.streams[stream].queue {
                if count > 0 && rows + batch.positions.count > maxRows { break }
                count += 1
                rows += batch.positions.count
            }
            let batch = Array(s.streams[stream].queue.prefix(count))
            s.streams[stream].queue.removeFirst(count)
            s.streams[stream].rows -= rows
            s.streams[stream].inFlightFirst = batch.first?.sequence
            s.streams[stream].inFlightReceived = batch.first?.positions.first?.receivedTime
            return batch
        }
    }

    /// Writes until PostGIS commits; false only when giving up because of shutdown.
    private func write(_ batch: [SequencedPositions], stream: Int) async -> Bool {
        let rows = batch.reduce(0) { $0 + $1.positions.count }
        let isTap = stream == writers.count
        var delay: Duration = .milliseconds(50)
        var attempt = 0
        while true {
            do {
                if isTap, let tap {
                    try await tap.handle(batch)
                } else {
                    try await writers[stream].write(batch)
                    rate.withLock { $0.record(rows: rows, at: .now) }
                }
                let release = state.withLock { s -> UInt64? in
                    s.streams[stream].inFlightFirst = nil
                    s.streams[stream].inFlightReceived = nil
                    if !isTap { s.backlogRows -= rows }
                    let through = Self.committedThrough(s)
                    guard through > s.released else { return nil }
                    s.released = through
                    return through
                }
                if let release { spool.release(upTo: release) }
                backlog.record(backlogRows)
                return true
            } catch {
                attempt += 1
                retries.increment()
                if attempt == 1 || attempt % 20 == 0 {
                    logger.warning(
                        isTap ? "position tap failed; retrying" : "PostGIS write failed; retrying",
                        metadata: ["writer_stream": "\(stream)", "attempt": "\(attempt)", "rows": "\(rows)", "error": "\(error)"])
                }
                // A shutdown requested while this batch keeps failing must not wait for PostGIS forever:
                // the batch stays in the spool and is written after the next start.
                if state.withLock({ $0.finished }) && attempt >= 3 { return false }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }

    /// Every stream's waiting writer loop, to be woken outside the lock.
    static func takeStreamWaiters(_ s: inout State) -> [CheckedContinuation<Void, Never>] {
        s.streams.indices.compactMap { i in
            defer { s.streams[i].waiter = nil }
            return s.streams[i].waiter
        }
    }

    /// The highest sequence at or below which every stream has committed all it was given.
    static func committedThrough(_ s: State) -> UInt64 {
        var through = s.nextSequence - 1
        for stream in s.streams {
            if let first = stream.inFlightFirst ?? stream.queue.first?.sequence { through = min(through, first - 1) }
        }
        return through
    }

    /// Passes over sequences known not to exist, then hands the contiguous run from `nextSequence` to
    /// the streams. Returns the stream waiters to wake (outside the lock).
    private func advance(_ s: inout State) -> [CheckedContinuation<Void, Never>] {
        passOverMissing(&s)
        var woken: [CheckedContinuation<Void, Never>] = []
        let count = writers.count
        while let next = s.pending.removeValue(forKey: s.nextSequence) {
            s.nextSequence += 1
            s.gapSince = nil
            s.gapReported = false
            var parts: [Int: [Position]] = [:]
            if let first = next.positions.first, count == 1 || next.positions.allSatisfy({ $0.vehicleKey == first.vehicleKey }) {
                // A device's frame: one vehicle, one stream.
                parts[WriterStreams.stream(forVehicle: first.vehicleKey, count: count)] = next.positions
            } else {
                for p in next.positions { parts[WriterStreams.stream(forVehicle: p.vehicleKey, count: count), default: []].append(p) }
            }
            // A replayed record a stream committed before this start goes to the others only.
            for (stream, positions) in parts where next.sequence <= s.watermarks[stream] {
                parts[stream] = nil
                s.backlogRows -= positions.count
            }
            if tap != nil, next.sequence > s.tapThrough, !next.positions.isEmpty { parts[count] = next.positions }
            for (stream, positions) in parts where !positions.isEmpty {
                s.streams[stream].queue.append(SequencedPositions(sequence: next.sequence, positions: positions))
                s.streams[stream].rows += positions.count
                if let waiter = s.streams[stream].waiter {
                    s.streams[stream].waiter = nil
                    woken.append(waiter)
                }
            }
        }
        if !s.pending.isEmpty { noteGap(&s) }
        return woken
    }

    private func passOverMissing(_ s: inout State) {
        if s.pending[s.nextSequence] == nil, let absent = s.absentThrough, s.nextSequence <= absent {
            // Replay is over and this sequence was not in it: it does not exist. Pass over the
            // missing run, but never beyond what existed at open.
            let lowest = s.pending.keys.min() ?? absent + 1
            let resume = min(lowest, absent + 1)
            if resume > s.nextSequence {
                logger.error("spool sequences missing at replay are passed over", metadata: ["from": "\(s.nextSequence)", "to": "\(resume - 1)"])
                s.nextSequence = resume
            }
        }
        if s.pending[s.nextSequence] == nil, !s.pending.isEmpty, let burned = spool.burnedRange(containing: s.nextSequence) {
            // A failed spool group that could not be cut back: those sequences hold nothing.
            logger.warning(
                "spool sequences burned by a failed group are passed over", metadata: ["from": "\(s.nextSequence)", "to": "\(burned.upperBound)"])
            s.nextSequence = burned.upperBound + 1
        }
    }

    /// Appended but not enqueued yet (normally microseconds): waited for, however long; logged once.
    private func noteGap(_ s: inout State) {
        let now = ContinuousClock.now
        guard let since = s.gapSince else {
            s.gapSince = now
            return
        }
        if !s.gapReported && now - since > gapWarning {
            s.gapReported = true
            logger.warning(
                "history queue waits for a spool sequence not enqueued yet",
                metadata: ["expected": "\(s.nextSequence)", "waiting": "\(s.pending.count)"])
        }
    }

    private func publishBacklog() {
        let (rows, oldest) = state.withLock { s in
            (s.backlogRows, s.streams.compactMap { $0.inFlightReceived ?? $0.queue.first?.positions.first?.receivedTime }.min())
        }
        backlog.record(rows)
        backlogSeconds.record(backlogDrainSeconds ?? -1)
        lagSeconds.record(oldest.map { max(0, Double(WallClock.nowMilliseconds() - $0) / 1000) } ?? 0)
    }
}
