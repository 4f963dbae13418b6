import Metrics

/// The spool's swift-metrics instruments, created once per spool.
struct SpoolMetrics: Sendable {
    /// Payloads made durable.
    let appends = Counter(label: "geofleet_spool_appends_total")
    /// Group commits (one fdatasync each).
    let fsyncs = Counter(label: "geofleet_spool_fsyncs_total")
    /// Appends refused because the pending limit was reached.
    let rejectedFull = Counter(label: "geofleet_spool_full_rejections_total")
    /// Groups that failed to write or sync (their appends threw `.io`).
    let failedCommits = Counter(label: "geofleet_spool_failed_commits_total")
    /// Damaged regions or torn tails found while scanning segments.
    let corruptRecords = Counter(label: "geofleet_spool_corrupt_records_total")
    /// Bytes appended but not yet released.
    let pendingBytes = Gauge(label: "geofleet_spool_pending_bytes")
    /// Segment files on disk.
    let segments = Gauge(label: "geofleet_spool_segments")
    /// Time of one group's write + fdatasync.
    let commitSeconds = Metrics.Timer(label: "geofleet_spool_commit_seconds")
    /// Payloads per group commit.
    let groupSize = Recorder(label: "geofleet_spool_group_records")
}
