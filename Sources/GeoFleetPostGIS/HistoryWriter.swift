import Foundation
import GeoFleetCore
import GeoFleetPlatform
import Logging
import Metrics
import NIOCore
import NIOPosix
import PostgresNIO

/// Positions that left the spool together, tagged with the spool sequence that holds them.
public struct SequencedPositions: Sendable {
    public var sequence: UInt64
    public var positions: [Position]

    public init(sequence: UInt64, positions: [Position]) {
        self.sequence = sequence
        self.positions = positions
    }
}

/// Writes batches of positions into `positions` with COPY, and in the same transaction updates
/// `vehicle_latest` and the ingest watermark, so a batch is committed exactly once however often
/// it is retried or replayed.
public actor HistoryWriter {
    private let endpoint: DatabaseEndpoint
    private let scheme: PartitionScheme
    private let logger: Logger
    private var connection: PostgresConnection?
    private var knownPartitions: Set<Int64> = []
    private var connectionID = 0
    private let writeTimeout: Duration
    /// Bumped when an attempt times out, so that the abandoned attempt cannot install a connection.
    private var generation = 0
    /// Connections dropped whose close has not completed yet.
    private var closing: [ObjectIdentifier: EventLoopFuture<Void>] = [:]

    private let rowsCommitted = Counter(label: "geofleet_history_rows_committed_total")
    private let batchesCommitted = Counter(label: "geofleet_history_batches_committed_total")
    private let batchesSkipped = Counter(label: "geofleet_history_batches_already_committed_total")
    private let timeouts = Counter(label: "geofleet_history_write_timeouts_total")
    private let deadLetters = Counter(label: "geofleet_history_dead_letters_total")
    private let commitTimer = Metrics.Timer(label: "geofleet_history_commit_seconds", preferredDisplayUnit: .seconds)

    /// - Parameter writeTimeout: how long one batch may take before its connection is dropped and
    ///   the write fails (the caller retries on a new connection).
    public init(endpoint: DatabaseEndpoint, scheme: PartitionScheme, writeTimeout: Duration = .seconds(30), logger: Logger) {
        self.endpoint = endpoint
        self.writeTimeout = writeTimeout
        self.scheme = scheme
        self.logger = logger
    }

    /// The highest spool sequence already committed to PostGIS.
    public func committedSequence() async throws -> UInt64 {
        let connection = try await connected()
        do {
            let rows = try await connection.query("SELECT sequence FROM ingest_watermark WHERE stream = 0", logger: logger)
            for try await value in rows.decode(Int64.self) { return UInt64(max(0, value)) }
            return 0
        } catch {
            if self.connection === connection { await drop() }
            throw error
        }
    }

    /// Commits `batches` (ordered by sequence) and returns the new watermark. Batches at or below
    /// the stored watermark were committed before (a retry after an unknown commit outcome, or a
    /// replay) and are skipped. Rows PostgreSQL refuses (`RefusedData`) are found by halving and go
    /// to `position_dead_letters` in the same transaction, so the rest commits and the watermark
    /// moves on. On any other error or after `writeTimeout` the connection is dropped; the caller retries.
    ///
    /// The deadline exists because a server that vanishes mid-COPY can leave the client waiting
    /// forever. The stuck attempt is abandoned rather than awaited: should it ever finish, the
    /// watermark row (locked FOR UPDATE) makes its commit and any retry's commit the same batch once.
    @discardableResult
    public func write(_ batches: [SequencedPositions]) async throws -> UInt64 {
        let attempt = Task { try await self.writeOnce(batches) }
        do {
            return try await Deadline.race(attempt, timeout: writeTimeout)
        } catch let timeout as HistoryWriteTimeout {
            timeouts.increment()
            logger.warning(
                "history batch timed out; dropping its connection",
                metadata: [
                    "timeout": "\(writeTimeout)", "batches": "\(batches.count)",
                ])
            attempt.cancel()
            generation += 1
            await drop()
            throw timeout
        }
    }

    private func writeOnce(_ batches: [SequencedPositions]) async throws -> UInt64 {
        guard let maxSequence = batches.map(\.sequence).max() else { return 0 }
        let started = ContinuousClock.now
        let connection = try await connected()
        do {
            try await ensurePartitions(for: batches, on: connection)
            try await connection.query("BEGIN", logger: logger)
            var watermark: Int64 = 0
            for try await value in try await connection.query(
                "SELECT sequence FROM ingest_watermark WHERE stream = 0 FOR UPDATE", logger: logger
            ).decode(Int64.self) {
                watermark = value
            }
            // Erased vehicles' positions still pending in the spool are dropped here, under the
            // watermark lock the eraser takes too (ErasureLedger).
            var keys = Set<Int64>()
            for batch in batches { for p in batch.positions { keys.insert(p.vehicleKey) } }
            let erased = try await ErasureLedger.erasedThrough(keys: Array(keys), on: connection, logger: logger)
            let fresh = ErasureLedger.filter(batches.filter { $0.sequence > UInt64(max(0, watermark)) }, erased: erased).batches
            if fresh.isEmpty {
                try await connection.query("ROLLBACK", logger: logger)
                batchesSkipped.increment(by: batches.count)
                return UInt64(max(0, watermark))
            }
            let rows = fresh.flatMap { batch in batch.positions.map { SequencedRow(sequence: batch.sequence, position: $0) } }
            var refused: [RefusedRow] = []
            var accepted: [SequencedRow] = []
            if !rows.isEmpty {
                accepted = try await isolatingRefused(rows[...], on: connection, refused: &refused) { part in
                    try await PositionCopyEncoder.copy(part.lazy.map(\.position), on: connection, logger: self.logger)
                }
                if !refused.isEmpty { try await insertDeadLetters(refused, on: connection) }
                // The newest accepted row per vehicle; one PostgreSQL refuses here is in the history
                // already, so it is only logged (that vehicle's latest row stays as it was).
                var latestRefused: [RefusedRow] = []
                _ = try await isolatingRefused(Self.newestPerVehicle(accepted)[...], on: connection, refused: &latestRefused) { part in
                    try await self.upsertLatest(part.map(\.position), on: connection)
                }
                for row in latestRefused {
                    logger.error(
                        "PostgreSQL refused a vehicle's latest position",
                        metadata: [
                            "vehicle_key": "\(row.row.position.vehicleKey)", "sqlstate": "\(row.sqlState)", "error": "\(row.message)",
                        ])
                }
            }
            try await connection.query(
                "UPDATE ingest_watermark SET sequence = \(Int64(maxSequence)) WHERE stream = 0", logger: logger)
            try await connection.query("COMMIT", logger: logger)
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
        } catch {
            logger.warning("history batch failed", metadata: ["error": "\(String(reflecting: error))"])
            // Only this attempt's connection: an abandoned attempt must not close its successor's.
            if self.connection === connection { await drop() }
            throw error
        }
    }

    /// Closes the connection and waits until every connection this writer dropped is closed (the
    /// next write reconnects).
    public func close() async {
        await drop()
        let closing = self.closing
        self.closing.removeAll()
        for future in closing.values { try? await future.get() }
    }

    /// Forgets the connection and closes its channel without waiting for the close to finish.
    private func drop() async {
        if let connection {
            self.connection = nil
            retire(connection)
        }
    }

    /// Starts closing a connection this writer will not use again. Every connection the writer
    /// opened ends here or in `deinit`: postgres-nio traps on (debug) or leaks (release) a connection
    /// released unclosed. Kept until its channel has closed, so `close()` can wait for it.
    private func retire(_ connection: PostgresConnection) {
        let key = ObjectIdentifier(connection)
        let future: EventLoopFuture<Void> = connection.close()
        closing[key] = future
        future.whenComplete { _ in
            withExtendedLifetime(connection) {}
            Task { await self.closed(key) }
        }
    }

    private func closed(_ key: ObjectIdentifier) {
        closing[key] = nil
    }

    deinit {
        // A writer dropped without close(): still close its connection rather than leak it.
        if let connection {
            let future: EventLoopFuture<Void> = connection.close()
            future.whenComplete { _ in withExtendedLifetime(connection) {} }
        }
    }

    private func connected() async throws -> PostgresConnection {
        if let connection {
            if !connection.isClosed { return connection }
            // The server or the network closed it: retire it all the same, then reconnect.
            self.connection = nil
            retire(connection)
        }
        let generation = self.generation
        connectionID += 1
        // A cancelled connect closes its own channel (postgres-nio's cancel handler) and throws.
        let fresh = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(),
            configuration: endpoint.connectionConfiguration,
            id: connectionID,
            logger: logger
        )
        // A backend stuck in a lock wait or a long COPY does not read its socket: without this it
        // keeps running (and holding a connection slot) long after a timed-out attempt closed its
        // end. PostgreSQL 14+ polls the socket every second while a statement runs; older servers
        // refuse the setting, which only costs them that check.
        do {
            try await fresh.query("SET client_connection_check_interval = 1000", logger: logger)
        } catch {
            logger.debug("server has no client_connection_check_interval", metadata: ["error": "\(String(reflecting: error))"])
        }
        // The actor is re-entered while connecting: a timed-out or cancelled attempt may finish
        // connecting after its successor did. Only a current attempt may install its connection, and
        // never over a live one; whatever is not installed is closed here.
        if generation != self.generation || Task.isCancelled {
            retire(fresh)
            throw HistoryWriteTimeout(timeout: writeTimeout)
        }
        if let connection, !connection.isClosed {
            retire(fresh)
            return connection
        }
        if let stale = connection { retire(stale) }
        connection = fresh
        return fresh
    }

    private func ensurePartitions(for batches: [SequencedPositions], on connection: PostgresConnection) async throws {
        var starts = Set<Int64>()
        for batch in batches {
            for p in batch.positions {
                let start = scheme.start(containing: p.fixTime)
                if !knownPartitions.contains(start) { starts.insert(start) }
            }
        }
        for start in starts.sorted() {
            do {
                try await PartitionMaintenance.create(start: start, scheme: scheme, on: connection, logger: logger)
                knownPartitions.insert(start)
            } catch  where RefusedData.isRefusal(error) {
                // A time PostgreSQL cannot hold: its rows fail the COPY ("no partition") and are dead-lettered.
                logger.error(
                    "partition refused; its positions will be dead-lettered",
                    metadata: [
                        "start_ms": "\(start)", "sqlstate": "\(RefusedData.sqlState(of: error) ?? "")",
                    ])
            }
        }
    }

    /// Runs `operation` on `rows` under a savepoint; when PostgreSQL refuses the data, rolls back to
    /// the savepoint and tries each half, down to single rows, which are returned in `refused`.
    /// Returns the rows that went in. k bad rows among n cost about 2k·log2(n) extra statements.
    private func isolatingRefused(
        _ rows: ArraySlice<SequencedRow>, on connection: PostgresConnection, refused: inout [RefusedRow],
        _ operation: (ArraySlice<SequencedRow>) async throws -> Void
    ) async throws -> [SequencedRow] {
        try await connection.query("SAVEPOINT history_rows", logger: logger)
        do {
            try await operation(rows)
            try await connection.query("RELEASE SAVEPOINT history_rows", logger: logger)
            return Array(rows)
        } catch  where RefusedData.isRefusal(error) {
            // ROLLBACK TO keeps the savepoint; releasing it keeps the nesting flat for the halves.
            try await connection.query("ROLLBACK TO SAVEPOINT history_rows", logger: logger)
            try await connection.query("RELEASE SAVEPOINT history_rows", logger: logger)
            if rows.count == 1, let row = rows.first {
                refused.append(RefusedRow(row: row, sqlState: RefusedData.sqlState(of: error) ?? "", message: RefusedData.message(of: error)))
                return []
            }
            let middle = rows.startIndex + rows.count / 2
            let first = try await isolatingRefused(rows[..<middle], on: connection, refused: &refused, operation)
            let second = try await isolatingRefused(rows[middle...], on: connection, refused: &refused, operation)
            return first + second
        }
    }

    /// Stores refused rows as their spool encoding (bytea always goes in, whatever the row held).
    private func insertDeadLetters(_ rows: [RefusedRow], on connection: PostgresConnection) async throws {
        for row in rows {
            let p = row.row.position
            let record = ByteBuffer(bytes: PositionBinaryCodec.encode([p]))
            let sequence = Int64(exactly: row.row.sequence) ?? .max
            try await connection.query(
                """
                INSERT INTO position_dead_letters (vehicle_key, spool_sequence, fix_time_ms, record, sqlstate, error)
                VALUES (\(p.vehicleKey), \(sequence), \(p.fixTime), \(record), \(row.sqlState), \(row.message))
                """, logger: logger)
        }
    }

    static func newestPerVehicle(_ rows: [SequencedRow]) -> [SequencedRow] {
        var newest: [Int64: SequencedRow] = [:]
        for row in rows where (newest[row.position.vehicleKey]?.position.fixTime ?? .min) < row.position.fixTime {
            newest[row.position.vehicleKey] = row
        }
        return newest.values.sorted { $0.position.vehicleKey < $1.position.vehicleKey }
    }

    private func upsertLatest(_ latest: [Position], on connection: PostgresConnection) async throws {
        if latest.isEmpty { return }
        let keys = latest.map(\.vehicleKey)
        let times = latest.map { WallClock.date(milliseconds: $0.fixTime) }
        let lats = latest.map(\.latitude)
        let lons = latest.map(\.longitude)
        let speeds = latest.map { Float($0.speedKmh) }
        let headings = latest.map { Float($0.heading) }
        let sources = latest.map(\.source.name)
        try await connection.query(
            """
            INSERT INTO vehicle_latest AS l (vehicle_key, fix_time, latitude, longitude, speed_kmh, heading, source)
            SELECT k, t, la, lo, s, h, src::position_source
            FROM unnest(\(keys)::int8[], \(times)::timestamptz[], \(lats)::float8[], \(lons)::float8[],
                        \(speeds)::float4[], \(headings)::float4[], \(sources)::text[]) AS u(k, t, la, lo, s, h, src)
            ON CONFLICT (vehicle_key) DO UPDATE SET
                fix_time = EXCLUDED.fix_time, latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude,
                speed_kmh = EXCLUDED.speed_kmh, heading = EXCLUDED.heading, source = EXCLUDED.source
            WHERE l.fix_time < EXCLUDED.fix_time
            """, logger: logger)
    }
}

/// One position with the spool sequence that holds it.
struct SequencedRow: Sendable {
    var sequence: UInt64
    var position: Position
}

/// A row PostgreSQL refused, with its reason.
struct RefusedRow: Sendable {
    var row: SequencedRow
    var sqlState: String
    var message: String
}
