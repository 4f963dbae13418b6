/// How positions go from the spool to PostGIS: parallel streams, batch size and age, and one batch's deadline.
public struct WriterSettings: Sendable, ConfigSection {
    /// Parallel COPY streams, each with its own connection, thread and watermark row; vehicles are
    /// spread over them. Two measured best on two cores (BENCHMARKS.md).
    public var streams = 2
    public var batchRows = 10_000
    public var batchDelay: Duration = .milliseconds(200)
    /// One batch's deadline: past it the writer drops its connection and retries on a new one.
    public var timeout: Duration = .seconds(30)

    public init() {}

    static var variables: [ConfigVariable<Self>] {
        [
            .integer(
                "GEOFLEET_WRITER_STREAMS", \.streams, 1...64,
                "parallel binary COPY streams into `positions` (a change applies once the spool holds nothing uncommitted)"),
            .integer("GEOFLEET_WRITER_BATCH_ROWS", \.batchRows, 1...1_000_000, "rows per COPY batch of one stream"),
            .integer(
                "GEOFLEET_WRITER_BATCH_MS", 1...60_000, "milliseconds a batch may wait to fill",
                get: { $0.batchDelay.wholeMilliseconds }, set: { $0.batchDelay = .milliseconds($1) }),
            .integer(
                "GEOFLEET_WRITER_TIMEOUT_MS", 100...3_600_000,
                "one batch's deadline before its connection is dropped and the batch retried",
                get: { $0.timeout.wholeMilliseconds }, set: { $0.timeout = .milliseconds($1) }),
        ]
    }
}

extension Duration {
    /// The duration in whole milliseconds (for documenting defaults).
    var wholeMilliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
