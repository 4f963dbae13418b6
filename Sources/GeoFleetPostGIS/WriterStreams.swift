import GeoFleetCore
import Logging
import PostgresNIO

/// How positions are spread over the parallel writer streams, and the streams' watermark rows.
///
/// A vehicle always goes to the same stream (so its rows stay in order and `vehicle_latest` rows are
/// never contended), and each stream keeps its own `ingest_watermark` row (per cluster node): stream `s` at `w` means
/// every spool sequence up to `w` holds nothing of stream `s` that is not committed. A spool record
/// is therefore committed when its sequence is at or below its stream's watermark, and the spool
/// may drop what lies at or below the lowest watermark.
public struct WriterStreams: Sendable, Equatable {
    /// Watermark per stream, indexed by stream number.
    public var watermarks: [UInt64]

    public init(watermarks: [UInt64]) {
        self.watermarks = watermarks
    }

    public var count: Int { watermarks.count }

    /// Everything at or below this is committed in every stream.
    public var committedThrough: UInt64 { watermarks.min() ?? 0 }

    /// The stream of a vehicle among `count` streams: a fixed mix of the key (never Swift's seeded
    /// `Hasher`), so the assignment is the same in every process and after every restart.
    public static func stream(forVehicle key: Int64, count: Int) -> Int {
        guard count > 1 else { return 0 }
        // SplitMix64's first output for the key: consecutive keys spread evenly.
        var mix = SeededGenerator(seed: UInt64(bitPattern: key))
        return Int(mix.next() % UInt64(count))
    }

    /// Whether `vehicle`'s positions in spool record `sequence` are committed under this layout.
    public func isCommitted(sequence: UInt64, vehicle: Int64) -> Bool {
        sequence <= watermarks[Self.stream(forVehicle: vehicle, count: count)]
    }

    /// `node`'s streams' rows as stored (streams 0…n-1; a missing row reads as 0). A node seen for the
    /// first time gets its stream 0 row. A single node is node `""`.
    public static func read(node: String = "", client: PostgresClient, logger: Logger) async throws -> WriterStreams {
        try await client.query(
            "INSERT INTO ingest_watermark (node, stream, sequence) VALUES (\(node), 0, 0) ON CONFLICT (node, stream) DO NOTHING",
            logger: logger)
        var rows: [Int: UInt64] = [:]
        for try await (stream, sequence) in try await client.query(
            "SELECT stream, sequence FROM ingest_watermark WHERE node = \(node) ORDER BY stream", logger: logger
        ).decode((Int, Int64).self) {
            rows[stream] = UInt64(max(0, sequence))
        }
        let count = max(1, (rows.keys.max() ?? 0) + 1)
        return WriterStreams(watermarks: (0..<count).map { rows[$0] ?? 0 })
    }

    /// Lays the rows out for `count` streams, every one at `through`: only valid when nothing in the
    /// spool above the old watermarks is left uncommitted (the old layout's replay is empty), since
    /// a vehicle may move to another stream.
    public static func relayout(node: String = "", count: Int, through: UInt64, client: PostgresClient, logger: Logger) async throws {
        precondition(count >= 1)
        let sequence = Int64(clamping: through)
        try await client.withTransaction(logger: logger) { connection in
            // The eraser and the writers lock these rows: wait for them, then change the layout at once.
            try await connection.query("LOCK TABLE ingest_watermark IN EXCLUSIVE MODE", logger: logger)
            try await connection.query(
                "DELETE FROM ingest_watermark WHERE node = \(node) AND (stream >= \(count) OR stream < 0)", logger: logger)
            try await connection.query(
                """
                INSERT INTO ingest_watermark (node, stream, sequence) SELECT \(node), s, \(sequence) FROM generate_series(0, \(count - 1)) AS s
                ON CONFLICT (node, stream) DO UPDATE SET sequence = greatest(ingest_watermark.sequence, EXCLUDED.sequence)
                """, logger: logger)
        }
    }
}
