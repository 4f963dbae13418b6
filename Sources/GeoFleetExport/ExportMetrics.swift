import Metrics

/// Export counters and durations (exported on /metrics), by format.
struct ExportMetrics: Sendable {
    func record(_ summary: ExportSummary, format: ExportFormat) {
        let dimensions = [("format", format.rawValue)]
        Counter(label: "geofleet_export_rows_total", dimensions: dimensions).increment(by: Int(summary.rows))
        Counter(label: "geofleet_export_bytes_total", dimensions: dimensions).increment(by: Int(summary.bytes))
        Metrics.Timer(label: "geofleet_export_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds).recordSeconds(summary.seconds)
    }

    func failed() {
        Counter(label: "geofleet_export_failures_total").increment()
    }
}
