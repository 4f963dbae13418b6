import Foundation
import GeoFleetApp
import GeoFleetCore
import GeoFleetPlatform
import GeoFleetPostGIS
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// The raw-COPY anchor: the rate at which PostgreSQL takes `positions` rows through the same
/// COPY text format and 10,000-row transactions as the daemon's HistoryWriter, with nothing else
/// (no spool, no vehicle_latest upsert, no watermark).
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
        try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: endpoint.connectionConfiguration, id: 1, logger: logger)
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
                "SELECT sequence FROM ingest_watermark WHERE stream = 0", logger: logger
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
        var seconds: Double
        var deleteSeconds: Double
        var rowsPerSecond: Double { seconds > 0 ? Double(rows) / seconds : 0 }
    }

    /// COPYs `rows` rows in transactions of `batchRows`, timing BEGIN…COMMIT only (row generation is
    /// outside the clock), then deletes them.
    func run(rows: Int, batchRows: Int = 10_000, on connection: PostgresConnection, progress: (String) -> Void) async throws -> Result {
        let now = WallClock.nowMilliseconds()
        let dayStart = now - now % 86_400_000
        // Times within the current UTC day (today's partition), at most `now`.
        let span = max(1, now - dayStart)
        let received = now
        let io = [IOElement(id: 239, value: .unsigned(1, width: 1)), IOElement(id: 66, value: .unsigned(24_079, width: 2))]
        var tracks = (0..<1000).map { VehicleTrack(index: 1_000_000 + $0, startTime: 0) }

        var elapsed = Duration.zero
        var done = 0
        var batch: [Position] = []
        batch.reserveCapacity(batchRows)
        var lastReport = ContinuousClock.now
        while done < rows {
            let n = min(batchRows, rows - done)
            batch.removeAll(keepingCapacity: true)
            for j in 0..<n {
                let i = done + j
                let v = i % tracks.count
                let r = tracks[v].nextRecords(1)[0]
                batch.append(
                    Position(
                        vehicleKey: -Int64(v + 1), deviceID: nil, fixTime: dayStart + Int64(i) % span, receivedTime: received,
                        latitude: r.latitude, longitude: r.longitude, altitude: Double(r.altitude), heading: Double(r.angle),
                        speedKmh: Double(r.speed), satellites: Int(r.satellites), source: .device, io: io))
            }
            let started = ContinuousClock.now
            try await connection.query("BEGIN", logger: logger)
            try await PositionCopyEncoder.copy(batch, on: connection, logger: logger)
            try await connection.query("COMMIT", logger: logger)
            elapsed += ContinuousClock.now - started
            done += n
            if ContinuousClock.now - lastReport >= .seconds(5) {
                lastReport = ContinuousClock.now
                progress("copy anchor: \(done)/\(rows) rows, \(Int(Double(done) / elapsed.seconds)) rows/s")
            }
        }
        let deleteStarted = ContinuousClock.now
        try await connection.query("DELETE FROM positions WHERE vehicle_key < 0", logger: logger)
        let deleteSeconds = (ContinuousClock.now - deleteStarted).seconds
        return Result(rows: done, seconds: elapsed.seconds, deleteSeconds: deleteSeconds)
    }
}

extension Duration {
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
