import Foundation
import GeoFleetCore
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

    private let rowsCommitted = Counter(label: "geofleet_history_rows_committed_total")
    private let batchesCommitted = Counter(label: "geofleet_history_batches_committed_total")
    private let batchesSkipped = Counter(label: "geofleet_history_batches_already_committed_total")
    private let timeouts = Counter(label: "geofleet_history_write_timeouts_total")
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
            await drop()
            throw error
        }
    }

    /// Commits `batches` (ordered by sequence) and returns the new watermark. Batches at or below
    /// the stored watermark were committed before (a retry after an unknown commit outcome, or a
    /// replay) and are skipped. On error or after `writeTimeout` the connection is dropped; the
    /// caller retries.
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
            logger.warning("history batch timed out; dropping its connection", metadata: [
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
            let rowCount = fresh.reduce(0) { $0 + $1.positions.count }
            if rowCount > 0 {
                try await PositionCopyEncoder.copy(fresh.lazy.flatMap(\.positions), on: connection, logger: logger)
                try await upsertLatest(fresh, on: connection)
            }
            try await connection.query(
                "UPDATE ingest_watermark SET sequence = \(Int64(maxSequence)) WHERE stream = 0", logger: logger)
            try await connection.query("COMMIT", logger: logger)
            rowsCommitted.increment(by: rowCount)
            batchesCommitted.increment()
            commitTimer.record(duration: ContinuousClock.now - started)
            return maxSequence
        } catch {
            logger.warning("history batch failed", metadata: ["error": "\(String(reflecting: error))"])
            // Only this attempt's connection: an abandoned attempt must not close its successor's.
            if self.connection === connection { await drop() }
            throw error
        }
    }

    /// Closes the connection (the next write reconnects).
    public func close() async {
        await drop()
    }

    /// Forgets the connection and closes its channel without waiting for the close to finish.
    private func drop() async {
        if let connection {
            self.connection = nil
            Self.close(connection)
        }
    }

    /// Closes a connection without waiting; the closure keeps it alive until its channel has closed.
    private static func close(_ connection: PostgresConnection) {
        let closing: EventLoopFuture<Void> = connection.close()
        closing.whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    private func connected() async throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        let generation = self.generation
        connectionID += 1
        let fresh = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(),
            configuration: endpoint.connectionConfiguration,
            id: connectionID,
            logger: logger
        )
        // The actor is re-entered while connecting: a timed-out attempt may finish connecting after its
        // successor did. Only a current attempt may install its connection, and never over a live one.
        if generation != self.generation {
            Self.close(fresh)
            throw HistoryWriteTimeout(timeout: writeTimeout)
        }
        if let connection, !connection.isClosed {
            Self.close(fresh)
            return connection
        }
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
            try await PartitionMaintenance.create(start: start, scheme: scheme, on: connection, logger: logger)
            knownPartitions.insert(start)
        }
    }

    private func upsertLatest(_ batches: [SequencedPositions], on connection: PostgresConnection) async throws {
        var newest: [Int64: Position] = [:]
        for batch in batches {
            for p in batch.positions where (newest[p.vehicleKey]?.fixTime ?? .min) < p.fixTime {
                newest[p.vehicleKey] = p
            }
        }
        let latest = Array(newest.values)
        let keys = latest.map(\.vehicleKey)
        let times = latest.map { Date(timeIntervalSince1970: Double($0.fixTime) / 1000) }
        let lats = latest.map(\.latitude)
        let lons = latest.map(\.longitude)
        let speeds = latest.map { Float($0.speedKmh) }
        let headings = latest.map { Float($0.heading) }
        let sources = latest.map(\.source.name)
        try await connection.query("""
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
