import ArgumentParser
import Foundation
import GeoFleetApp
import GeoFleetCore
import GeoFleetExport
import GeoFleetPlatform
import GeoFleetPostGIS
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// `geofleet export`: a GDPR export of vehicles' history to standard output, written by the same
/// exporter as `/api/privacy/exports` (live partitions from PostGIS, archived ones from the archive files).
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write vehicles' position history (live and archived) to standard output as json, csv, gpx or geojson.",
        discussion: "Progress goes to standard error. Uses GEOFLEET_DATABASE_URL and GEOFLEET_ARCHIVE_DIR like `geofleet archive`.")

    @Option(name: .customLong("vehicle"), help: "A vehicle's id (UUID, as the API shows it); repeat for more.") var vehicles: [String]
    @Option(help: "Start (ISO 8601, or a date: that day's midnight UTC).") var from: String
    @Option(help: "End, included (ISO 8601, or a date: the end of that day).") var to: String
    @Option(help: "json, csv, gpx or geojson.") var format: String
    @Option(name: .customLong("requested-by"), help: "Who asked (kept in the audit log).") var requestedBy: String = "operator"

    func validate() throws {
        guard !vehicles.isEmpty else { throw ValidationError("name at least one --vehicle") }
        guard ExportFormat(rawValue: format) != nil else { throw ValidationError("--format must be json, csv, gpx or geojson") }
    }

    func run() async throws {
        let ids = try vehicles.map { text in
            guard let id = UUID(uuidString: text) else { throw ValidationError("not a vehicle id: \(text)") }
            return id
        }
        let fromMs = try ExportDateArgument.parse(from, endOfDay: false)
        // A date as --to means through the end of that day (the range is inclusive).
        let toMs = try ExportDateArgument.parse(to, endOfDay: true)
        guard fromMs < toMs else { throw ValidationError("--from must be before --to") }
        let configuration = try GeoFleetConfiguration.fromEnvironment()
        var logger = Logger(label: "geofleet.export")
        logger.logLevel = Logger.Level(rawValue: ProcessInfo.processInfo.environment["GEOFLEET_LOG_LEVEL"] ?? "warning") ?? .warning
        let endpoint = try await OperatorDatabase.endpoint(configuration, logger: logger)
        let exporter = PositionExporter(
            endpoint: endpoint, archiveDirectory: configuration.archive.directory,
            keys: try ArchiveSetup.keyring(configuration.archive, logger: logger), logger: logger)
        let formatName = format
        let vehicles = try await Blocking.onOwnThread(name: "export") { try ExportVehicleLookup.vehicles(ids: ids, endpoint: endpoint) }
        let summary = try await Blocking.onOwnThread(name: "export") {
            let request = ExportRequest(vehicles: vehicles, from: fromMs, to: toMs, format: ExportFormat(rawValue: formatName)!)
            var lastPercent = -1
            return try exporter.export(request, to: ExportSink(fd: STDOUT_FILENO)) { progress in
                let percent = Int(progress.fraction * 100)
                guard percent != lastPercent else { return }
                lastPercent = percent
                Self.say("progress: \(percent)% rows=\(progress.rows)")
            }
        }
        try await Self.audit(
            vehicles, endpoint: endpoint, requestedBy: requestedBy, format: format, from: fromMs, to: toMs, rows: summary.rows, logger: logger)
        Self.say(
            "summary: rows=\(summary.rows) archivedRows=\(summary.archivedRows) bytes=\(summary.bytes) "
                + "seconds=\(String(format: "%.3f", summary.seconds)) rowsPerSecond=\(Int(Double(summary.rows) / max(summary.seconds, 1e-9)))")
    }

    /// One audit entry per exported vehicle, in its owner's account: the operator took its history.
    static func audit(
        _ vehicles: [ExportVehicle], endpoint: DatabaseEndpoint, requestedBy: String, format: String, from: Int64, to: Int64, rows: Int64,
        logger: Logger
    ) async throws {
        let asked =
            #"{"format":"\#(format)","from":"\#(UTCTime.iso8601(milliseconds: from))","to":"\#(UTCTime.iso8601(milliseconds: to))","rows":\#(rows)}"#
        try await OperatorDatabase.withClient(endpoint, logger: logger) { client in
            let log = AuditLog(client: client, logger: logger)
            for vehicle in vehicles {
                try await log.append(
                    AuditEntry(
                        account: vehicle.owner, actor: requestedBy, channel: "cli", action: "export.create",
                        target: "vehicle:\(vehicle.id.uuidString.lowercased())", vehicleKey: vehicle.key, after: asked))
            }
        }
    }

    /// A line on standard error, at once.
    static func say(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// `--from`/`--to`: an ISO 8601 instant, or a date (whole UTC day; as `--to` through its last millisecond).
enum ExportDateArgument {
    static func parse(_ text: String, endOfDay: Bool) throws -> Int64 {
        guard let ms = UTCTime.parseISO8601(text) else { throw ValidationError("not a date: \(text) (use 2026-10-01 or 2026-10-01T00:00:00Z)") }
        return endOfDay && text.count == 10 ? ms + 86_400_000 - 1 : ms
    }
}
