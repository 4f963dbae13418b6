import ArgumentParser
import Foundation
import GeoFleetApp
import GeoFleetArchive
import GeoFleetCore
import GeoFleetExport
import GeoFleetLibPQ
import GeoFleetPlatform
import GeoFleetPostGIS
import Logging

/// `geofleet-bench export`: a month of one truck (one fix every 5 s over 30 daily partitions) exported
/// in every format, against a raw binary `COPY (SELECT … the same rows …) TO STDOUT` in the same run;
/// then, with `--archived-days`, the oldest days archived (partitions dropped) and exported again.
struct ExportBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Time GDPR exports (json, csv, gpx, geojson) of a month of one truck against raw COPY.",
        discussion: "Needs GEOFLEET_DATABASE_URL of a database of its own (scripts/bench/export.sh starts a private cluster).")

    @Option(help: "Days of history.") var days = 30
    @Option(help: "Seconds between fixes.") var interval = 5
    @Option(help: "After the live run, archive this many of the oldest days and export again (0: skip).") var archivedDays = 0
    @Option(help: "Runs per format; the best is reported.") var runs = 1

    func run() async throws {
        var logger = Logger(label: "geofleet.bench.export")
        logger.logLevel = .warning
        let configuration = try GeoFleetConfiguration.fromEnvironment()
        let endpoint = try await OperatorDatabase.endpoint(configuration, logger: logger)
        let work = configuration.storage.dataDirectory + "/export-bench"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let now = WallClock.nowMilliseconds()
        let first = PartitionScheme.daily.start(containing: now) - Int64(days) * 86_400_000
        let (days, interval) = (days, interval)
        let vehicle = try await Blocking.onOwnThread { try Self.load(endpoint: endpoint, first: first, days: days, interval: interval) }
        let rows = Int64(days) * 86_400 / Int64(interval)
        say("loaded \(rows) rows of one truck over \(days) daily partitions (one fix every \(interval) s)")
        let requests = Dictionary(
            uniqueKeysWithValues: ExportFormat.allCases.map {
                ($0, ExportRequest(vehicles: [vehicle], from: first, to: first + Int64(days) * 86_400_000 - 1, format: $0))
            })
        let exporter = PositionExporter(
            endpoint: endpoint, archiveDirectory: configuration.archive.directory,
            keys: try ArchiveSetup.keyring(configuration.archive, logger: logger), logger: logger)

        let anchor = try await best(runs) { try Self.anchor(endpoint: endpoint, key: vehicle.key, from: first, to: first + Int64(days) * 86_400_000) }
        say(
            String(
                format: "anchor  COPY binary  rows=%ld bytes=%ld seconds=%.3f rows/s=%.0f", anchor.rows, anchor.bytes, anchor.seconds,
                Double(anchor.rows) / anchor.seconds))
        var table: [String] = []
        table.append("| source | format | rows | bytes | seconds | rows/s | × COPY time |")
        table.append("|---|---|---:|---:|---:|---:|---:|")
        table.append(Self.line("PostGIS", "COPY binary (anchor)", anchor, anchor.seconds))
        for format in ExportFormat.allCases {
            let request = requests[format]!
            let summary = try await best(runs) { try Self.exportToFile(exporter, request, work: work) }
            say(Self.sayLine("live", format.rawValue, summary, anchor.seconds))
            table.append(Self.line("PostGIS", format.rawValue, summary, anchor.seconds))
        }
        if archivedDays > 0 {
            let context = ArchiveContext(endpoint: endpoint, directory: configuration.archive.directory, logger: logger)
            // A clock that makes exactly the oldest `archivedDays` partitions older than one day of retention.
            let at = first + Int64(archivedDays + 1) * 86_400_000
            let archived = try await PartitionArchiver(context: context, retentionDays: 1, now: { at }).run()
            say("archived \(archived.archived.count) partitions, \(archived.rows) rows (dropped from PostGIS)")
            for format in ExportFormat.allCases {
                let request = requests[format]!
                let summary = try await best(runs) { try Self.exportToFile(exporter, request, work: work) }
                say(Self.sayLine("mixed", format.rawValue, summary, anchor.seconds))
                table.append(Self.line("\(archivedDays) days archived + \(days - archivedDays) live", format.rawValue, summary, anchor.seconds))
            }
        }
        print("\n" + table.joined(separator: "\n"))
        try? FileManager.default.removeItem(atPath: work)
    }

    /// The fastest of `runs` runs.
    func best(_ runs: Int, _ body: @escaping @Sendable () throws -> ExportSummary) async throws -> ExportSummary {
        var best: ExportSummary?
        for _ in 0..<max(1, runs) {
            let s = try await Blocking.onOwnThread(body)
            if best.map({ s.seconds < $0.seconds }) ?? true { best = s }
        }
        return best!
    }

    static func line(_ source: String, _ format: String, _ s: ExportSummary, _ anchorSeconds: Double) -> String {
        "| \(source) | \(format) | "
            + String(format: "%ld | %ld | %.3f | %.0f | %.2f |", s.rows, s.bytes, s.seconds, Double(s.rows) / s.seconds, s.seconds / anchorSeconds)
    }

    static func sayLine(_ source: String, _ format: String, _ s: ExportSummary, _ anchorSeconds: Double) -> String {
        "\(source) \(format) "
            + String(
                format: "rows=%ld archivedRows=%ld bytes=%ld seconds=%.3f rows/s=%.0f ratio=%.2f", s.rows, s.archivedRows, s.bytes, s.seconds,
                Double(s.rows) / s.seconds, s.seconds / anchorSeconds)
    }

    func say(_ line: String) {
        print(line)
        fflush(nil)
    }

    /// One truck, its daily partitions and its fixes (a slow loop around Bavaria), generated in PostgreSQL.
    static func load(endpoint: DatabaseEndpoint, first: Int64, days: Int, interval: Int) throws -> ExportVehicle {
        let connection = try LibPQConnection(parameters: endpoint.libpqParameters(applicationName: "geofleet-bench"), deadline: .now + .seconds(30))
        defer { connection.close() }
        let deadline = ContinuousClock.now + .seconds(1800)
        let inserted = try connection.execute(
            """
            INSERT INTO vehicles (user_id, type, license_plate, capacity_weight_kg, capacity_volume_m3)
            VALUES ('bench', 'truck', 'BENCH ' || (SELECT count(*) + 1 FROM vehicles), 24000, 90) RETURNING key, id
            """, deadline: deadline)
        guard let row = inserted.rows.first, let key = row[0].flatMap({ Int64($0) }), let id = row[1].flatMap({ UUID(uuidString: $0) }) else {
            throw ValidationError("could not add the bench vehicle")
        }
        for d in 0..<days {
            try connection.execute(
                PartitionScheme.daily.createStatement(start: first + Int64(d) * 86_400_000), deadline: deadline)
        }
        let start = UTCTime.iso8601(milliseconds: first)
        try connection.execute(
            """
            INSERT INTO positions (vehicle_key, device_id, fix_time, received_time, geom, speed_kmh, heading, altitude, satellites, hdop, source, attributes)
            SELECT \(key), NULL, t, t + interval '800 ms',
                   ST_SetSRID(ST_MakePoint(11.5 + 0.8 * sin(i / 5000.0), 48.1 + 0.5 * cos(i / 5000.0)), 4326),
                   (60 + 30 * sin(i / 97.0))::real, (i % 360)::real, (500 + 50 * sin(i / 700.0))::real, (7 + i % 6)::smallint,
                   (0.8 + (i % 10) / 10.0)::real, 'device', jsonb_build_object('239', 1, '66', 24000 + i % 400)
            FROM generate_series(0, \(days * 86_400 / interval - 1)) i
            CROSS JOIN LATERAL (SELECT '\(start)'::timestamptz + i * interval '\(interval) s' AS t) x
            """, deadline: deadline)
        try connection.execute("ANALYZE positions", deadline: deadline)
        return ExportVehicle(key: key, id: id, licensePlate: "BENCH", owner: "bench")
    }

    /// The same rows as raw binary COPY through libpq, bytes counted and discarded (nothing decoded):
    /// the floor an export is measured against.
    static func anchor(endpoint: DatabaseEndpoint, key: Int64, from: Int64, to: Int64) throws -> ExportSummary {
        let connection = try LibPQConnection(parameters: endpoint.libpqParameters(applicationName: "geofleet-bench"), deadline: .now + .seconds(30))
        defer { connection.close() }
        let range = "fix_time >= '\(UTCTime.iso8601(milliseconds: from))' AND fix_time < '\(UTCTime.iso8601(milliseconds: to))'"
        let rows =
            Int64(
                try connection.execute(
                    "SELECT count(*) FROM positions WHERE vehicle_key = \(key) AND \(range)", deadline: .now + .seconds(300)
                ).scalar ?? "") ?? 0
        let started = ContinuousClock.now
        var bytes: Int64 = 0
        _ = try connection.copyOut(
            """
            COPY (SELECT \(ArchiveColumns.sqlList) FROM positions WHERE vehicle_key = \(key) AND \(range)
                  ORDER BY fix_time) TO STDOUT (FORMAT binary)
            """, idleTimeout: .seconds(120)
        ) { chunk in
            bytes += Int64(chunk.count)
        }
        let elapsed = ContinuousClock.now - started
        return ExportSummary(
            rows: rows, bytes: bytes, archivedRows: 0, archiveScans: 0,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// One export into a private file under `work`, removed afterwards.
    static func exportToFile(_ exporter: PositionExporter, _ request: ExportRequest, work: String) throws -> ExportSummary {
        let path = work + "/bench.\(request.format.fileExtension)"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ValidationError("cannot create \(path)") }
        defer {
            close(fd)
            unlink(path)
        }
        return try exporter.export(request, to: ExportSink(fd: fd))
    }
}
