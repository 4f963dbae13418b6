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
        var waiter: CheckedContinuation<Void, Never>?
        var finished = false
    }

    private let writer: HistoryWriter
    private let spool: Spool
    private let maxRows: Int
    private let maxDelay: Duration
    private let gapTimeout: Duration
    private let logger: Logger
    private let state: Mutex<State>
    private let backlog = Gauge(label: "geofleet_history_backlog_rows")
    private let retries = Counter(label: "geofleet_history_write_retries_total")

    /// - Parameter committed: the watermark PostGIS holds: the queue expects `committed + 1` next.
    public init(writer: HistoryWriter, spool: Spool, committed: UInt64, maxRows: Int = 10_000,
                maxDelay: Duration = .milliseconds(200), gapTimeout: Duration = .seconds(5), logger: Logger) {
        self.writer = writer
        self.spool = spool
        self.maxRows = maxRows
        self.maxDelay = maxDelay
        self.gapTimeout = gapTimeout
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

    public func run() async throws {
        await withGracefulShutdownHandler {
            await self.loop()
        } onGracefulShutdown: {
            self.finish()
        }
    }

    /// Stops the loop after it has written what is ready.
    public func finish() {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { s in
            s.finished = true
            let w = s.waiter
            s.waiter = nil
            return w
        }
        waiter?.resume()
    }

    private func loop() async {
        while true {
            await waitForWork()
            if state.withLock({ $0.finished }) {
                // Drain what is contiguous; anything left stays in the spool for the next start.
                while let batch = takeBatch(), !batch.isEmpty {
                    guard await write(batch, giveUpOnShutdown: true) else { return }
                }
                return
            }
            // Let a batch fill up, unless it is already full.
            if state.withLock({ $0.pendingRows }) < maxRows {
                try? await Task.sleep(for: maxDelay)
            }
            while let batch = takeBatch(), !batch.isEmpty {
                _ = await write(batch, giveUpOnShutdown: false)
                if state.withLock({ $0.pendingRows }) < maxRows { break }
            }
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

    /// The contiguous run of batches from the next expected sequence, up to `maxRows` rows.
    private func takeBatch() -> [SequencedPositions]? {
        state.withLock { s in
            if s.pending[s.nextSequence] == nil, let lowest = s.pending.keys.min() {
                // A gap: an append that got its sequence has not enqueued yet (microseconds), or a
                // sequence was lost (a spool record that failed its checksum at replay). Wait, then skip.
                let now = ContinuousClock.now
                if let since = s.gapSince, now - since > gapTimeout {
                    logger.error("skipping spool sequence gap", metadata: [
                        "expected": "\(s.nextSequence)", "next": "\(lowest)",
                    ])
                    s.nextSequence = lowest
                    s.gapSince = nil
                } else {
                    if s.gapSince == nil { s.gapSince = now }
                    return nil
                }
            }
            s.gapSince = nil
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
    private func write(_ batch: [SequencedPositions], giveUpOnShutdown: Bool) async -> Bool {
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
                    logger.warning("PostGIS write failed; retrying", metadata: [
                        "attempt": "\(attempt)", "rows": "\(batch.reduce(0) { $0 + $1.positions.count })",
                        "error": "\(String(reflecting: error))",
                    ])
                }
                // A shutdown requested while this batch keeps failing must not wait for PostGIS forever:
                // the batch stays in the spool and is written after the next start.
                if (giveUpOnShutdown || state.withLock({ $0.finished })) && attempt >= 3 { return false }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }
}
