import GeoFleetArchive
import GeoFleetCore
import GeoFleetLibPQ

/// Reads one vehicle's live rows as a binary COPY (the archive's columns and encoding), so that live
/// and archived rows are decoded by the same code and compare equal.
struct LiveExportReader {
    let connection: LibPQConnection

    /// Calls `row` with each fix time (ms) and raw tuple of `vehicleKey` from `from` to `to` (ms; `to`
    /// included when `throughEnd`), in fix-time order.
    func read(vehicleKey: Int64, from: Int64, to: Int64, throughEnd: Bool, row: (Int64, UnsafeRawBufferPointer) throws -> Void) throws {
        // Only integers and our own timestamps are interpolated.
        let sql = """
            COPY (SELECT \(ArchiveColumns.sqlList) FROM positions
            WHERE vehicle_key = \(vehicleKey) AND fix_time >= '\(UTCTime.iso8601(milliseconds: from))' AND fix_time \(throughEnd ? "<=" : "<") '\(UTCTime.iso8601(milliseconds: to))'
            ORDER BY fix_time) TO STDOUT (FORMAT binary)
            """
        var decoder = PositionCopyDecoder()
        _ = try connection.copyOut(sql, idleTimeout: .seconds(120)) { chunk in
            try decoder.consume(chunk) { _, fix, tuple in try row(fix, tuple) }
        }
        try decoder.finish()
    }
}
