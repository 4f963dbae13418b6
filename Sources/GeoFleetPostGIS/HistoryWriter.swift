import GeoFleetCore
import GeoFleetLibPQ
import GeoFleetPlatform
import Logging
import Metrics

/// Positions that left the spool together, tagged with the spool sequence that holds them.
public struct SequencedPositions: Sendable {
    public var sequence: UInt64
    public var positions: [Position]

    public init(sequence: UInt64, positions: [Position]) {
        self.sequence = sequence
        self.positions = positions
    }
}

/// One writer stream: writes batches of positions into `positions` with binary COPY through libpq,
/// and in the same transaction updates `vehicle_latest` and its own `ingest_watermark` row, so a
/// batch is committed exactly once however often it is retried or replayed.
///
/// The actor runs on a thread of its own (`SerialThread`): libpq's calls block, and they must
/// stay off the event loops and the cooperative pool. Every wait for the server is bounded by the
/// write deadline; a batch that misses it closes its connection (the server ends the backend).
public actor HistoryWriter {
    /// This writer's row in `ingest_watermark`.
    public nonisolated let stream: Int
    /// The cluster node whose spool this writer drains (`""`: a single node).
    public nonisolated let node: String
    /// Spool sequences up to here were replayed at start: their positions may already be in PostGIS
    /// (sent again by a device to another node after a crash), so they are checked before the COPY.
    private let dedupeThrough: UInt64
    private nonisolated let thread: SerialThread
    public nonisolated var unownedExecutor: UnownedSerialExecutor { thread.asUnownedSerialExecutor() }

    private let endpoint: DatabaseEndpoint
    private let scheme: PartitionScheme
    let logger: Logger
    private let writeTimeout: Duration
    private var connection: LibPQConnection?
    private var knownPartitions: Set<Int64> = []

    private let rowsCommitted: Counter
    private let batchesCommitted: Counter
    private let batchesSkipped: Counter
    private let timeouts: Counter
    private let deadLetters: Counter
    private let replayDuplicates: Counter
    private let commitTimer: Metrics.Timer

    /// - Parameters:
    ///   - writeTimeout: how long one batch may take before its connection is closed and the write
    ///     fails (the caller retries on a new connection).
    ///   - node: the cluster node whose watermark rows this writer keeps (`""`: a single node).
    ///   - dedupeThrough: replayed spool sequences, written only where PostGIS does not hold them yet.
    public init(
        stream: Int = 0, node: String = "", endpoint: DatabaseEndpoint, scheme: PartitionScheme, writeTimeout: Duration = .seconds(30),
        dedupeThrough: UInt64 = 0, logger: Logger
    ) {
        self.stream = stream
        self.node = node
        self.dedupeThrough = dedupeThrough
        self.thread = SerialThread(name: "geofleet-writer-\(stream)")
        self.endpoint = endpoint
        self.writeTimeout = writeTimeout
        self.scheme = scheme
        var logger = logger
        logger[metadataKey: "writer_stream"] = "\(stream)"
        self.logger = logger
        let dimensions = [("stream", String(stream))]
        rowsCommitted = Counter(label: "geofleet_history_rows_committed_total", dimensions: dimensions)
        batchesCommitted = Counter(label: "geofleet_history_batches_committed_total", dimensions: dimensions)
        batchesSkipped = Counter(label: "geofleet_history_batches_already_committed_total", dimensions: dimensions)
        timeouts = Counter(label: "geofleet_history_write_timeouts_total", dimensions: dimensions)
        deadLetters = Counter(label: "geofleet_history_dead_letters_total", dimensions: dimensions)
        replayDuplicates = Counter(label: "geofleet_history_replay_duplicates_total", dimensions: dimensions)
        commitTimer = Metrics.Timer(label: "geofleet_history_commit_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds)
    }

    deinit { thread.stop() }

    /// The highest spool sequence this stream has committed.
    public func committedSequence() throws -> UInt64 {
        let deadline = ContinuousClock.now + writeTimeout
        do {
            return UInt64(max(0, try watermark(on: try connected(deadline: deadline), lock: false, deadline: deadline)))
        } catch {
            throw failed(error)
        }
    }

    /// Commits `batches` (ordered by sequence) and returns this stream's new watermark. Batches at or
    /// below the stored watermark were committed before (a retry after an unknown commit outcome, or
    /// a replay) and are skipped. Rows PostgreSQL refuses (`RefusedData`) are found by halving and go
    /// to `position_dead_letters` in the same transaction, so the rest commits and the watermark
    /// moves on. On any other error, or after `writeTimeout`, the caller retries.
    @discardableResult
    public func write(_ batches: [SequencedPositions]) throws -> UInt64 {
        do {
            return try writeOnce(batches, deadline: .now + writeTimeout)
        } catch {
            logger.warning("history batch failed", metadata: ["error": "\(error)", "batches": "\(batches.count)"])
            throw failed(error)
        }
    }

    /// Closes the connection (the next write reconnects).
    public func close() {
        connection?.close()
        connection = nil
    }

    private func writeOnce(_ batches: [SequencedPositions], deadline: ContinuousClock.Instant) throws -> UInt64 {
        guard let maxSequence = batches.map(\.sequence).max() else { return 0 }
        let started = ContinuousClock.now
        let connection = try connected(deadline: deadline)
        try ensurePartitions(for: batches, on: connection, deadline: deadline)
        try connection.execute("BEGIN", deadline: deadline)
        let watermark = try self.watermark(on: connection, lock: true, deadline: deadline)
        // Erased vehicles' positions still pending in the spool are dropped here, under the
        // watermark lock the eraser takes too (ErasureLedger).
        var keys = Set<Int64>()
        for batch in batches { for p in batch.positions { keys.insert(p.vehicleKey) } }
        let erased = try erasedThrough(keys: keys, on: connection, deadline: deadline)
        var fresh = ErasureLedger.filter(batches.filter { $0.sequence > UInt64(max(0, watermark)) }, erased: erased).batches
        if let first = fresh.first, first.sequence <= dedupeThrough {
            fresh = try withoutStored(fresh, on: connection, deadline: deadline)
        }
        if fresh.isEmpty {
            try connection.execute("ROLLBACK", deadline: deadline)
            batchesSkipped.increment(by: batches.count)
            return UInt64(max(0, watermark))
        }
        var refused: [RefusedRow] = []
        var rows: [SequencedRow] = []
        for batch in fresh {
            for position in batch.positions {
                let row = SequencedRow(sequence: batch.sequence, position: position)
                if let reason = PositionBinaryCopy.refusal(position) {
                    refused.append(RefusedRow(row: row, sqlState: PositionEncodingError.sqlState, message: reason.description))
                } else {
                    rows.append(row)
                }
            }
        }
        var accepted: [SequencedRow] = []
        if !rows.isEmpty {
            accepted = try isolatingRefused(rows[...], on: connection, deadline: deadline, refused: &refused) { part in
                let stream = PositionBinaryCopy.stream(part.lazy.map(\.position), capacity: part.count * 160 + 64)
                try connection.copyIn(PositionBinaryCopy.copyStatement, data: stream, deadline: deadline)
            }
            // The newest accepted row per vehicle; one PostgreSQL refuses here is in the history
            // already, so it is only logged (that vehicle's latest row stays as it was).
            var latestRefused: [RefusedRow] = []
            _ = try isolatingRefused(Self.newestPerVehicle(accepted)[...], on: connection, deadline: deadline, refused: &latestRefused) { part in
                try Self.upsertLatest(part.map(\.position), on: connection, deadline: deadline)
            }
            for row in latestRefused {
                logger.error(
                    "PostgreSQL refused a vehicle's latest position",
                    metadata: ["vehicle_key": "\(row.row.position.vehicleKey)", "sqlstate": "\(row.sqlState)", "error": "\(row.message)"])
            }
        }
        if !refused.isEmpty { try insertDeadLetters(refused, on: connection, deadline: deadline) }
        try connection.execute(
            "UPDATE ingest_watermark SET sequence = $1 WHERE node = $3 AND stream = $2", [String(maxSequence), String(stream), node],
            deadline: deadline)
        try connection.execute("COMMIT", deadline: deadline)
        rowsCommitted.increment(by: accepted.count)
        batchesCommitted.increment()
        commitTimer.record(duration: ContinuousClock.now - started)
        if !refused.isEmpty {
            deadLetters.increment(by: refused.count)
            for row in refused {
                logger.error(
                    "PostgreSQL refused a position; it is in position_dead_letters and the rest of its batch committed",
                    metadata: [
                        "vehicle_key": "\(row.row.position.vehicleKey)", "device_id": "\(row.row.position.deviceID.map(String.init) ?? "-")",
                        "spool_sequence": "\(row.row.sequence)", "sqlstate": "\(row.sqlState)", "error": "\(row.message)",
                    ])
            }
        }
        return maxSequence
    }

    /// Ends a failed attempt: a connection that still works leaves its transaction, a broken one is
    /// closed (its backend ends when the server sees the socket close). A timeout becomes
    /// `HistoryWriteTimeout`.
    private func failed(_ error: any Error) -> any Error {
        if let connection {
            if connection.isUsable {
                do {
                    try connection.execute("ROLLBACK", deadline: .now + .seconds(5))
                } catch {
                    close()
                }
            } else {
                close()
            }
        }
        if let error = error as? LibPQError, error.kind == .timeout {
            timeouts.increment()
            logger.warning("history batch timed out; its connection is closed", metadata: ["timeout": "\(writeTimeout)"])
            return HistoryWriteTimeout(timeout: writeTimeout)
        }
        return error
    }

    private func connected(deadline: ContinuousClock.Instant) throws -> LibPQConnection {
        if let connection {
            if connection.isUsable { return connection }
            close()
        }
        let fresh = try LibPQConnection(parameters: endpoint.libpqParameters(applicationName: "geofleet-writer-\(stream)"), deadline: deadline)
        // A backend stuck in a lock wait does not read its socket: without this it keeps running (and
        // holding a connection slot) long after a timed-out attempt closed its end. PostgreSQL 14+
        // polls the socket every second while a statement runs; older servers refuse the setting.
        do {
            try fresh.execute("SET client_connection_check_interval = 1000", deadline: deadline)
        } catch let error as LibPQError where error.kind == .server {
            logger.debug("server has no client_connection_check_interval", metadata: ["error": "\(error)"])
        }
        connection = fresh
        return fresh
    }

    private func watermark(on connection: LibPQConnection, lock: Bool, deadline: ContinuousClock.Instant) throws -> Int64 {
        let sql = "SELECT sequence FROM ingest_watermark WHERE node = $2 AND stream = $1" + (lock ? " FOR UPDATE" : "")
        let rows = try connection.execute(sql, [String(stream), node], deadline: deadline)
        guard let text = rows.scalar, let value = Int64(text) else { throw WatermarkMissing(stream: stream) }
        return value
    }

    /// `batches` without the replayed positions PostGIS already holds (same vehicle and fix time): the
    /// anti-join of the replay path. Live batches never come here, so the live COPY keeps its speed.
    private func withoutStored(_ batches: [SequencedPositions], on connection: LibPQConnection, deadline: ContinuousClock.Instant) throws
        -> [SequencedPositions]
    {
        var keys: [Int64] = []
        var times: [Int64] = []
        for batch in batches where batch.sequence <= dedupeThrough {
            for p in batch.positions {
                keys.append(p.vehicleKey)
                times.append(p.fixTime)
            }
        }
        if keys.isEmpty { return batches }
        let rows = try connection.execute(
            """
            SELECT u.k, u.t FROM unnest($1::int8[], $2::int8[]) AS u(k, t)
            WHERE EXISTS (SELECT 1 FROM positions p WHERE p.vehicle_key = u.k AND p.fix_time = timestamptz 'epoch' + u.t * interval '1 millisecond')
            """, [PostgresArrayText.integers(keys), PostgresArrayText.integers(times)], deadline: deadline)
        var stored = Set<PositionIdentity>()
        for row in rows.rows {
            if let key = row[0].flatMap({ Int64($0) }), let time = row[1].flatMap({ Int64($0) }) {
                stored.insert(PositionIdentity(vehicleKey: key, fixTime: time))
            }
        }
        if stored.isEmpty { return batches }
        replayDuplicates.increment(by: stored.count)
        logger.info("replayed positions already in PostGIS were skipped", metadata: ["positions": "\(stored.count)"])
        return batches.map { batch in
            guard batch.sequence <= dedupeThrough else { return batch }
            var kept = batch
            kept.positions.removeAll { stored.contains(PositionIdentity(vehicleKey: $0.vehicleKey, fixTime: $0.fixTime)) }
            return kept
        }
    }

    private func erasedThrough(keys: Set<Int64>, on connection: LibPQConnection, deadline: ContinuousClock.Instant) throws -> [Int64: Int64] {
        if keys.isEmpty { return [:] }
        let rows = try connection.execute(
            "SELECT vehicle_key, floor(extract(epoch FROM erased_through) * 1000)::int8 FROM position_erasures WHERE vehicle_key = ANY($1::int8[])",
            [PostgresArrayText.integers(keys)], deadline: deadline)
        var out: [Int64: Int64] = [:]
        for row in rows.rows {
            if let key = row[0].flatMap({ Int64($0) }), let through = row[1].flatMap({ Int64($0) }) { out[key] = through }
        }
        return out
    }

    private func ensurePartitions(for batches: [SequencedPositions], on connection: LibPQConnection, deadline: ContinuousClock.Instant) throws {
        var starts = Set<Int64>()
        for batch in batches {
            for p in batch.positions {
                let start = scheme.start(containing: p.fixTime)
                if !knownPartitions.contains(start) { starts.insert(start) }
            }
        }
        for start in starts.sorted() {
            do {
                try connection.execute(scheme.createStatement(start: start), deadline: deadline)
                knownPartitions.insert(start)
            } catch let error as LibPQError where error.sqlState == "42P07" || error.sqlState == "23505" {
                // Another stream or process created it at the same moment.
                knownPartitions.insert(start)
            } catch  where RefusedData.isRefusal(error) {
                // A time PostgreSQL cannot hold: its rows fail the COPY ("no partition") and are dead-lettered.
                logger.error(
                    "partition refused; its positions will be dead-lettered",
                    metadata: ["start_ms": "\(start)", "sqlstate": "\(RefusedData.sqlState(of: error) ?? "")"])
            }
        }
    }
}

/// A history batch that did not commit within its deadline.
public struct HistoryWriteTimeout: Error, CustomStringConvertible {
    public let timeout: Duration
    public var description: String { "history write did not finish within \(timeout)" }
}

/// The stream has no `ingest_watermark` row: the stream layout was not set up (`WriterStreamLayout`).
public struct WatermarkMissing: Error, CustomStringConvertible {
    public let stream: Int
    public var description: String { "ingest_watermark has no row for writer stream \(stream)" }
}

/// A position as the history knows it apart from others: its vehicle and its fix time (ms).
struct PositionIdentity: Hashable {
    var vehicleKey: Int64
    var fixTime: Int64
}
