import Logging
import Metrics
import Synchronization

/// Says when and why devices go unacknowledged because the spool is full: a counter of refused
/// frames, and a log line at most every `interval` with the backlog in rows and in seconds.
final class BackPressure: Sendable {
    private let queue: HistoryQueue
    private let logger: Logger
    private let interval: Duration
    private let lastLog = Mutex<ContinuousClock.Instant?>(nil)
    private let refusals = Counter(label: "geofleet_ingest_backpressure_refusals_total")

    init(queue: HistoryQueue, logger: Logger, interval: Duration = .seconds(10)) {
        self.queue = queue
        self.logger = logger
        self.interval = interval
    }

    /// A frame refused because the spool holds `pendingBytes` of `limit` not yet in PostGIS.
    func refused(pendingBytes: Int64, limit: Int64) {
        refusals.increment()
        let now = ContinuousClock.now
        let due = lastLog.withLock { last -> Bool in
            if let last, now - last < interval { return false }
            last = now
            return true
        }
        guard due else { return }
        let drain = queue.backlogDrainSeconds
        logger.warning(
            "spool full: frames are not acknowledged until PostGIS catches up (devices resend them)",
            metadata: [
                "spool_pending_mb": "\(pendingBytes >> 20)", "spool_limit_mb": "\(limit >> 20)",
                "backlog_rows": "\(queue.backlogRows)",
                "backlog_seconds": "\(drain.map { String(Int($0.rounded(.up))) } ?? "unknown: nothing committed in the last 10 s")",
            ])
    }
}
