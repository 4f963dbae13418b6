import Foundation
import GeoFleetArchive
import GeoFleetCore
import GeoFleetLibPQ
import GeoFleetPostGIS
import Logging

/// Writes vehicles' position history in one format, streaming: per vehicle in fix-time order, from
/// PostGIS for live partitions and from archive files (decoded in-process, not restored) for
/// archived ones, with erasures applied to both. The API's jobs and `geofleet export` both run it.
public struct PositionExporter: Sendable {
    public var endpoint: DatabaseEndpoint
    public var archive: ArchiveDirectory
    /// Opens sealed archives (`GEOFLEET_ARCHIVE_KEY_FILE`).
    public var keys: ArchiveKeyring
    public var logger: Logger
    let metrics = ExportMetrics()

    public init(endpoint: DatabaseEndpoint, archiveDirectory: String, keys: ArchiveKeyring, logger: Logger) {
        self.endpoint = endpoint
        self.archive = ArchiveDirectory(path: archiveDirectory)
        self.keys = keys
        self.logger = logger
    }

    /// Rows between progress reports.
    static let progressEvery: Int64 = 10_000

    /// Runs the export into `sink` (flushed at the end). `progress` is called every few thousand rows
    /// and after every segment; `shouldStop` is asked as often and ends the export with
    /// ``ExportError/cancelled``. Blocking: call it on a thread of its own.
    public func export(
        _ request: ExportRequest, to sink: ExportSink, progress: (ExportProgress) -> Void = { _ in },
        shouldStop: () -> Bool = { false }
    ) throws -> ExportSummary {
        let started = ContinuousClock.now
        let connection = try LibPQConnection(parameters: endpoint.libpqParameters(applicationName: "geofleet-export"), deadline: .now + .seconds(30))
        defer { connection.close() }
        let live = try Self.lockLivePartitions(on: connection)
        let erasedThrough = try Self.erasures(request.vehicles.map(\.key), on: connection)
        let segments = ExportPlan.segments(from: request.from, to: request.to, manifests: try archive.manifests(), livePartitions: live)
        let reader = LiveExportReader(connection: connection)

        var writer = request.format.makeWriter()
        var rows: Int64 = 0
        var archivedRows: Int64 = 0
        var scans = 0
        let pieces = max(1, request.vehicles.count * segments.count)
        var done = 0
        try writer.begin(request, sink: sink)
        for vehicle in request.vehicles {
            try writer.beginVehicle(vehicle, sink: sink)
            let cutoff = erasedThrough[vehicle.key] ?? Int64.min
            for segment in segments {
                if shouldStop() { throw ExportError.cancelled }
                func emit(_ fix: Int64, _ tuple: UnsafeRawBufferPointer, archived: Bool) throws {
                    // Erased history is gone from PostGIS already; archives may still hold it until rewritten.
                    guard fix > cutoff, fix >= request.from, fix <= request.to else { return }
                    try writer.row(try PositionRecord.decode(tuple), vehicle: vehicle, sink: sink)
                    rows += 1
                    if archived { archivedRows += 1 }
                    if rows % Self.progressEvery == 0 {
                        if shouldStop() { throw ExportError.cancelled }
                        progress(ExportProgress(rows: rows, fraction: Double(done) / Double(pieces)))
                    }
                }
                switch segment {
                case .live(let from, let to, let throughEnd):
                    try reader.read(vehicleKey: vehicle.key, from: from, to: to, throughEnd: throughEnd) { try emit($0, $1, archived: false) }
                case .archive(let manifest):
                    if manifest.vehicleKeys.contains(vehicle.key) { scans += 1 }
                    try ArchiveExportReader.read(manifest, in: archive, keys: keys, vehicleKey: vehicle.key) {
                        try emit($0, $1, archived: true)
                    }
                }
                done += 1
                progress(ExportProgress(rows: rows, fraction: Double(done) / Double(pieces)))
            }
            try writer.endVehicle(vehicle, sink: sink)
        }
        try writer.end(sink: sink)
        try sink.flush()
        _ = try? connection.execute("COMMIT", deadline: .now + .seconds(30))
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let summary = ExportSummary(rows: rows, bytes: sink.bytes, archivedRows: archivedRows, archiveScans: scans, seconds: seconds)
        metrics.record(summary, format: request.format)
        logger.info(
            "export written",
            metadata: [
                "format": "\(request.format.rawValue)", "vehicles": "\(request.vehicles.count)", "rows": "\(rows)",
                "archivedRows": "\(archivedRows)", "bytes": "\(sink.bytes)", "seconds": "\(summary.seconds)",
            ])
        return summary
    }

    /// Opens the export's transaction (one snapshot for every vehicle's live rows) and holds ACCESS SHARE
    /// on every live partition until it ends, so that none is archived and dropped between the plan and
    /// its read (an archive run meanwhile stops at such a partition after its lock timeout; the next run
    /// finishes it). Returns the live partitions' names; one dropped between listing and locking means a retry.
    static func lockLivePartitions(on connection: LibPQConnection) throws -> Set<String> {
        var attempt = 0
        while true {
            attempt += 1
            try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", deadline: .now + .seconds(30))
            do {
                let names = try connection.execute(
                    "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'positions'::regclass",
                    deadline: .now + .seconds(30)
                ).rows.compactMap { $0.first ?? nil }
                if !names.isEmpty {
                    let list = names.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ", ")
                    try connection.execute("LOCK TABLE \(list) IN ACCESS SHARE MODE", deadline: .now + .seconds(120))
                }
                return Set(names)
            } catch let error as LibPQError where attempt < 3 && error.sqlState == "42P01" {
                try connection.execute("ROLLBACK", deadline: .now + .seconds(30))
            }
        }
    }

    /// Each erased vehicle's cutoff (ms): fix times up to it are gone.
    static func erasures(_ keys: [Int64], on connection: LibPQConnection) throws -> [Int64: Int64] {
        guard !keys.isEmpty else { return [:] }
        let list = "{" + keys.map(String.init).joined(separator: ",") + "}"
        var out: [Int64: Int64] = [:]
        for row in try connection.execute(
            """
            SELECT vehicle_key, floor(extract(epoch FROM erased_through) * 1000)::int8 FROM position_erasures WHERE vehicle_key = ANY($1::int8[])
            """, [list], deadline: .now + .seconds(30)
        ).rows {
            if let key = row[0].flatMap({ Int64($0) }), let through = row[1].flatMap({ Int64($0) }) { out[key] = through }
        }
        return out
    }
}
