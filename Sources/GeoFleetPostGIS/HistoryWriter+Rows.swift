import GeoFleetCore
import GeoFleetLibPQ

extension HistoryWriter {
    /// Runs `operation` on `rows` under a savepoint; when PostgreSQL refuses the data, rolls back to
    /// the savepoint and tries each half, down to single rows, which are returned in `refused`.
    /// Returns the rows that went in. k bad rows among n cost about 2k·log2(n) extra statements.
    func isolatingRefused(
        _ rows: ArraySlice<SequencedRow>, on connection: LibPQConnection, deadline: ContinuousClock.Instant, refused: inout [RefusedRow],
        _ operation: (ArraySlice<SequencedRow>) throws -> Void
    ) throws -> [SequencedRow] {
        try connection.execute("SAVEPOINT history_rows", deadline: deadline)
        do {
            try operation(rows)
            try connection.execute("RELEASE SAVEPOINT history_rows", deadline: deadline)
            return Array(rows)
        } catch  where RefusedData.isRefusal(error) {
            // ROLLBACK TO keeps the savepoint; releasing it keeps the nesting flat for the halves.
            try connection.execute("ROLLBACK TO SAVEPOINT history_rows", deadline: deadline)
            try connection.execute("RELEASE SAVEPOINT history_rows", deadline: deadline)
            if rows.count == 1, let row = rows.first {
                refused.append(RefusedRow(row: row, sqlState: RefusedData.sqlState(of: error) ?? "", message: RefusedData.message(of: error)))
                return []
            }
            let middle = rows.startIndex + rows.count / 2
            let first = try isolatingRefused(rows[..<middle], on: connection, deadline: deadline, refused: &refused, operation)
            let second = try isolatingRefused(rows[middle...], on: connection, deadline: deadline, refused: &refused, operation)
            return first + second
        }
    }

    /// Stores refused rows as their spool encoding (bytea always goes in, whatever the row held).
    func insertDeadLetters(_ rows: [RefusedRow], on connection: LibPQConnection, deadline: ContinuousClock.Instant) throws {
        for row in rows {
            let p = row.row.position
            let record = "\\x" + PositionBinaryCodec.encode([p]).hexString
            let sequence = Int64(exactly: row.row.sequence) ?? .max
            try connection.execute(
                """
                INSERT INTO position_dead_letters (vehicle_key, spool_sequence, fix_time_ms, record, sqlstate, error)
                VALUES ($1, $2, $3, $4::bytea, $5, $6)
                """,
                [String(p.vehicleKey), String(sequence), String(p.fixTime), record, row.sqlState, row.message],
                deadline: deadline)
        }
    }

    static func newestPerVehicle(_ rows: [SequencedRow]) -> [SequencedRow] {
        var newest: [Int64: SequencedRow] = [:]
        for row in rows where (newest[row.position.vehicleKey]?.position.fixTime ?? .min) < row.position.fixTime {
            newest[row.position.vehicleKey] = row
        }
        return newest.values.sorted { $0.position.vehicleKey < $1.position.vehicleKey }
    }

    /// One statement for the batch's newest row per vehicle, arrays bound as text.
    static func upsertLatest(_ latest: [Position], on connection: LibPQConnection, deadline: ContinuousClock.Instant) throws {
        if latest.isEmpty { return }
        try connection.execute(
            """
            INSERT INTO vehicle_latest AS l (vehicle_key, fix_time, latitude, longitude, speed_kmh, heading, source)
            SELECT k, timestamptz 'epoch' + t * interval '1 millisecond', la, lo, s, h, src::position_source
            FROM unnest($1::int8[], $2::int8[], $3::float8[], $4::float8[], $5::float4[], $6::float4[], $7::text[])
                AS u(k, t, la, lo, s, h, src)
            ON CONFLICT (vehicle_key) DO UPDATE SET
                fix_time = EXCLUDED.fix_time, latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude,
                speed_kmh = EXCLUDED.speed_kmh, heading = EXCLUDED.heading, source = EXCLUDED.source
            WHERE l.fix_time < EXCLUDED.fix_time
            """,
            [
                PostgresArrayText.integers(latest.map(\.vehicleKey)), PostgresArrayText.integers(latest.map(\.fixTime)),
                PostgresArrayText.numbers(latest.map(\.latitude)), PostgresArrayText.numbers(latest.map(\.longitude)),
                PostgresArrayText.numbers(latest.map { Double(Float($0.speedKmh)) }),
                PostgresArrayText.numbers(latest.map { Double(Float($0.heading)) }),
                PostgresArrayText.words(latest.map(\.source.name)),
            ], deadline: deadline)
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

/// PostgreSQL array literals for text-bound parameters.
enum PostgresArrayText {
    static func integers<S: Sequence<Int64>>(_ values: S) -> String {
        "{" + values.map(String.init).joined(separator: ",") + "}"
    }

    /// Finite doubles in their shortest exact form (the encoder refuses NaN and infinity).
    static func numbers(_ values: [Double]) -> String {
        "{" + values.map { $0.isFinite ? "\($0)" : "0" }.joined(separator: ",") + "}"
    }

    /// Identifier-like words (enum labels), quoted.
    static func words(_ values: [String]) -> String {
        "{" + values.map { "\"" + $0 + "\"" }.joined(separator: ",") + "}"
    }
}
