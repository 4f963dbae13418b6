import Metrics

/// The archive job's counters and latencies (exported on /metrics).
struct ArchiveMetrics: Sendable {
    let partitions = Counter(label: "geofleet_archive_partitions_total")
    let rows = Counter(label: "geofleet_archive_rows_total")
    let bytes = Counter(label: "geofleet_archive_bytes_total")
    let failures = Counter(label: "geofleet_archive_failures_total")
    let export = Metrics.Timer(label: "geofleet_archive_export_seconds", preferredDisplayUnit: .seconds)
    let verify = Metrics.Timer(label: "geofleet_archive_verify_seconds", preferredDisplayUnit: .seconds)
    let partitionLock = Metrics.Timer(label: "geofleet_archive_partition_lock_seconds", preferredDisplayUnit: .seconds)
    let parentLock = Metrics.Timer(label: "geofleet_archive_parent_lock_seconds", preferredDisplayUnit: .seconds)
    let erasures = Counter(label: "geofleet_erasures_total")
    let erasureRewrites = Counter(label: "geofleet_archive_erasure_rewrites_total")
}
