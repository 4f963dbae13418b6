import Foundation
import GeoFleetArchive
import GeoFleetCore
import GeoFleetPlatform
import GeoFleetPostGIS
import GeoFleetTestSupport
import Logging
import NIOPosix
import PostgresNIO
import Synchronization

/// A clock tests move by days and months without waiting.
final class TestClock: Sendable {
    private let offset = Atomic<Int64>(0)
    let base: Int64

    init(startingAt base: Int64 = WallClock.nowMilliseconds()) {
        self.base = base
    }

    func now() -> Int64 { base + offset.load(ordering: .relaxed) }
    func advance(days: Int) { offset.add(Int64(days) * 86_400_000, ordering: .relaxed) }
    var closure: @Sendable () -> Int64 { { self.now() } }
}

/// A migrated database with position history written by the real `HistoryWriter` (COPY), for the
/// archive tests.
struct ArchiveFixture {
    let endpoint: DatabaseEndpoint
    let archiveDirectory: String
    /// Midnight UTC of the newest day written.
    let today: Int64
    /// The archive keys of `context` (none: plaintext archives).
    var keys: ArchiveKeyring = .none

    static let day: Int64 = 86_400_000

    /// `oldDays` daily partitions ending 40+ days before `today`, plus `today` itself; `perDay` rows for each of
    /// `vehicles` vehicles (keys 1...vehicles) per day.
    static func make(oldDays: Int = 3, perDay: Int = 50, vehicles: Int = 4) async throws -> ArchiveFixture {
        let endpoint = try await TestPostgres.shared.freshDatabase()
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: endpoint.connectionConfiguration, id: 1, logger: testLogger("fixture"))
        try await Migrations.migrate(connection, logger: testLogger("fixture"))
        try await connection.close()
        let now = WallClock.nowMilliseconds()
        let today = now - now % day
        let writer = HistoryWriter(endpoint: endpoint, scheme: .daily, logger: testLogger("writer"))
        var sequence: UInt64 = 0
        for dayIndex in (0..<oldDays).map({ today - Int64(45 + $0) * day }) + [today] {
            var positions: [Position] = []
            for v in 1...vehicles {
                for i in 0..<perDay {
                    let t = dayIndex + Int64(i) * 60_000 + Int64(v) * 1000
                    positions.append(
                        Position(
                            vehicleKey: Int64(v), deviceID: Int64(v), fixTime: t, receivedTime: t + 500,
                            latitude: 48 + Double(i) * 0.001, longitude: 11 + Double(v) * 0.01, heading: 90,
                            speedKmh: 50, satellites: 9, hdop: 0.9,
                            io: [IOElement(id: 66, value: .unsigned(24_000, width: 2))]))
                }
            }
            sequence += 1
            try await writer.write([SequencedPositions(sequence: sequence, positions: positions)])
        }
        await writer.close()
        let dir = FileManager.default.temporaryDirectory.path + "/geofleet-archive-\(UUIDString.short())"
        return ArchiveFixture(endpoint: endpoint, archiveDirectory: dir, today: today)
    }

    var context: ArchiveContext { context(exportStreams: 2) }

    func context(exportStreams: Int) -> ArchiveContext {
        ArchiveContext(endpoint: endpoint, directory: archiveDirectory, exportStreams: exportStreams, keys: keys, logger: testLogger("archive"))
    }

    /// An archiver whose clock stands at `today` (retention 30 days: the old days are due).
    func archiver(faults: ArchiveFaultHook? = nil, exportStreams: Int = 2) -> PartitionArchiver {
        let now = today + 3_600_000
        var archiver = PartitionArchiver(context: context(exportStreams: exportStreams), retentionDays: 30, now: { now })
        archiver.faults = faults
        return archiver
    }

    func count(_ sql: String) async throws -> Int {
        try await EngineHarness.count(sql, endpoint: endpoint)
    }

    /// Names of the live partitions (default excluded).
    func livePartitions() async throws -> Set<String> {
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: endpoint.connectionConfiguration, id: 2, logger: testLogger("fixture"))
        defer { Task { try? await connection.close() } }
        return Set(try await PartitionCatalog.partitions(on: connection, logger: testLogger("fixture")).map(\.name))
    }

    /// Files in the archive directory.
    func files() throws -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: archiveDirectory))?.sorted() ?? []
    }

    func partitionName(daysAgo: Int) -> String {
        PartitionScheme.daily.name(start: today - Int64(daysAgo) * Self.day)
    }
}

/// The archive job's advisory lock held by a session of the test's own, as another archiver would hold it.
struct ArchiveLockHolder {
    /// The archiver's lock key ("gfarch", `ArchiveLock.id`).
    static let key: Int64 = 0x6766_6172_6368
    let connection: PostgresConnection
    /// Whether the lock was free and is now held by this session.
    let held: Bool

    /// Connects to `endpoint` and tries the lock.
    static func take(on endpoint: DatabaseEndpoint, id: Int) async throws -> ArchiveLockHolder {
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: endpoint.connectionConfiguration, id: id,
            logger: testLogger("lock"))
        var held = false
        for try await got in try await connection.query("SELECT pg_try_advisory_lock(\(key))", logger: testLogger("lock")).decode(Bool.self) {
            held = got
        }
        return ArchiveLockHolder(connection: connection, held: held)
    }

    /// Unlocks explicitly (a closed session's locks go only once its backend has exited), then closes.
    func release() async throws {
        for try await _ in try await connection.query("SELECT pg_advisory_unlock(\(Self.key))", logger: testLogger("lock")).decode(Bool.self) {}
        try await connection.close()
    }
}
