import Foundation
import GeoFleetApp
import GeoFleetCore
import GeoFleetLibPQ
import GeoFleetPlatform
import GeoFleetPostGIS
import Logging
import NIOCore
import PostgresNIO

/// The raw-COPY anchors: the rate at which PostgreSQL takes `positions` rows from `psql \copy …
/// (FORMAT binary)` reading a file, one stream alone (a) and N streams in parallel (b), with nothing
/// else (no spool, no vehicle_latest upsert, no watermark). The rows are the simulator's, encoded
/// by the daemon's own binary COPY encoder, so the anchor and the daemon write the same bytes.
struct CopyAnchor {
    var endpoint: DatabaseEndpoint
    var logger: Logger

    /// GEOFLEET_DATABASE_URL, or the embedded cluster under GEOFLEET_DATA_DIR (as geofleetd starts it).
    static func endpointFromEnvironment() throws -> DatabaseEndpoint {
        let configuration = try GeoFleetConfiguration.fromEnvironment()
        if let url = configuration.storage.databaseURL { return try DatabaseEndpoint(url: url) }
        return configuration.embeddedCluster(logger: Logger(label: "geofleet.simulate.pg")).endpoint(
            database: GeoFleetConfiguration.embeddedDatabaseName)
    }

    func connect() async throws -> PostgresConnection {
        try await endpoint.connectSession(logger: logger)
    }

    /// Waits until the daemon's ingest watermark stops moving (its history queue is drained);
    /// returns the seconds waited.
    func waitForDaemonDrain(on connection: PostgresConnection, timeout: Duration = .seconds(600)) async throws -> Double {
        let started = ContinuousClock.now
        var last: Int64 = -1
        var stableSince = ContinuousClock.now
        while ContinuousClock.now - started < timeout {
            var current: Int64 = -1
            for try await value in try await connection.query(
                "SELECT sum(sequence)::int8 FROM ingest_watermark", logger: logger
            ).decode(Int64.self) {
                current = value
            }
            let now = ContinuousClock.now
            if current != last {
                last = current
                stableSince = now
            } else if now - stableSince >= .seconds(1.5) {
                // The writer's batch delay is 200 ms: 1.5 s without a commit means it is idle.
                return (stableSince - started).seconds
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        return (ContinuousClock.now - started).seconds
    }

    /// Rows the daemon committed for devices (vehicle_key > 0) received at or after `since`.
    func committedRows(since: Date, on connection: PostgresConnection) async throws -> Int {
        for try await value in try await connection.query(
            "SELECT count(*) FROM positions WHERE vehicle_key > 0 AND received_time >= \(since)", logger: logger
        ).decode(Int.self) {
            return value
        }
        return 0
    }

    struct Result {
        var rows: Int
        var streams: Int
        var seconds: Double
        var deleteSeconds: Double
        var rowsPerSecond: Double { seconds > 0 ? Double(rows) / seconds : 0 }
    }

    /// Writes `rows` simulator rows into `streams` binary COPY files under `directory` (outside the
    /// clock), then times `psql \copy` of all files at once, one process per file; then deletes them.
    func run(rows: Int, streams: Int, directory: String, on connection: PostgresConnection, progress: (String) -> Void) async throws -> Result {
        let files = try writeFiles(rows: rows, streams: streams, directory: directory)
        defer { for file in files { unlink(file) } }
        progress("copy anchor: \(rows) rows in \(streams) binary COPY file(s); psql \\copy …")
        let psql = try Self.psqlPath()
        let url = endpoint.description
        let sql = "\\copy positions (\(PositionBinaryCopy.columns.joined(separator: ", "))) FROM '%@' (FORMAT binary)"
        let started = ContinuousClock.now
        let pids = try files.map { file in
            try ChildProcess.spawn(
                psql, [url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql.replacingOccurrences(of: "%@", with: file)], outputPath: file + ".log")
        }
        let statuses = await Blocking.run { pids.map { ChildProcess.exitStatus(waitingFor: $0) } }
        let seconds = (ContinuousClock.now - started).seconds
        for (file, status) in zip(files, statuses) where status != 0 {
            let output = (try? String(contentsOfFile: file + ".log", encoding: .utf8)) ?? ""
            throw CopyAnchorError(message: "psql \\copy exited with \(status): \(output)")
        }
        for file in files { unlink(file + ".log") }
        let deleteStarted = ContinuousClock.now
        try await connection.query("DELETE FROM positions WHERE vehicle_key < 0", logger: logger)
        return Result(rows: rows, streams: streams, seconds: seconds, deleteSeconds: (ContinuousClock.now - deleteStarted).seconds)
    }

    /// Rows of 1,000 simulated vehicles (negative keys, so they are told apart and deleted), within
    /// the current UTC day, spread over `streams` files by vehicle as the daemon spreads them.
    private func writeFiles(rows: Int, streams: Int, directory: String) throws -> [String] {
        let now = WallClock.nowMilliseconds()
        let dayStart = now - now % 86_400_000
        let span = max(1, now - dayStart)
        let io = [IOElement(id: 239, value: .unsigned(1, width: 1)), IOElement(id: 66, value: .unsigned(24_079, width: 2))]
        var tracks = (0..<1000).map { VehicleTrack(index: 1_000_000 + $0, startTime: 0) }
        var writers = (0..<streams).map { _ in BinaryCopyWriter(reservingCapacity: rows / streams * 150 + 64) }
        for i in 0..<rows {
            let v = i % tracks.count
            let r = tracks[v].nextRecords(1)[0]
            let key = -Int64(v + 1)
            let p = Position(
                vehicleKey: key, deviceID: nil, fixTime: dayStart + Int64(i) % span, receivedTime: now,
                latitude: r.latitude, longitude: r.longitude, altitude: Double(r.altitude), heading: Double(r.angle),
                speedKmh: Double(r.speed), satellites: Int(r.satellites), source: .device, io: io)
            PositionBinaryCopy.append(p, to: &writers[WriterStreams.stream(forVehicle: key, count: streams)])
        }
        return try writers.indices.map { index in
            let path = directory + "/copy-anchor-\(index).pgcopy"
            let bytes = writers[index].finish()
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
                throw CopyAnchorError(message: "cannot write \(path)")
            }
            return path
        }
    }

    /// psql from PATH or PostgreSQL's Debian directory.
    static func psqlPath() throws -> String {
        let candidates =
            (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { $0 + "/psql" } + ["/usr/lib/postgresql/15/bin/psql"]
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw CopyAnchorError(message: "psql not found")
        }
        return path
    }
}

/// The anchor could not run.
struct CopyAnchorError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
