import Foundation
import GeoFleetArchive
import GeoFleetCore
import GeoFleetPostGIS
import GeoFleetTestSupport
import NIOPosix
import PostgresNIO
import Testing

/// The retention job against a real PostgreSQL: archive, verify, drop, restore, drop again, and the lock.
@Suite(.serialized) struct ArchiveTests {
    @Test func archivesVerifiesDropsRestoresAndDropsAgain() async throws {
        let fixture = try await ArchiveFixture.make(oldDays: 3, perDay: 40, vehicles: 3)
        #expect(try await fixture.count("SELECT count(*) FROM positions") == 4 * 120)

        let summary = try await fixture.archiver().run()
        #expect(!summary.lockedOut)
        #expect(summary.archived.count == 3)
        #expect(summary.rows == 360)
        #expect(summary.archived.allSatisfy { $0.compressedBytes > 0 && $0.compressedBytes < $0.tableBytes })
        // Only today's partition keeps rows; the old ones are gone, the default stays empty.
        #expect(try await fixture.count("SELECT count(*) FROM positions") == 120)
        #expect(try await fixture.count("SELECT count(*) FROM positions_default") == 0)
        let live = try await fixture.livePartitions()
        for days in 45...47 { #expect(!live.contains(fixture.partitionName(daysAgo: days))) }

        let manifests = try fixture.context.directory.manifests()
        #expect(manifests.count == 3)
        #expect(manifests.allSatisfy { $0.rows == 120 && $0.vehicleCount == 3 && $0.vehicleKeys == [1, 2, 3] && $0.sha256.count == 64 })
        #expect(manifests.first?.columns.map(\.name) == ArchiveColumns.all.map(\.name))
        #expect(manifests.first?.minFixTime == UTCTime.iso8601(milliseconds: fixture.today - 47 * ArchiveFixture.day + 1000))

        let verified = try await ArchiveVerifier(context: fixture.context).verifyAll()
        #expect(verified.count == 3 && verified.allSatisfy { $0.problem == nil })

        // A second run finds nothing left to do.
        #expect(try await fixture.archiver().run().archived.isEmpty)

        // Restore two of the three days: the rows come back, byte for byte the same values.
        let from = fixture.today - 46 * ArchiveFixture.day
        let restored = try await ArchiveRestorer(context: fixture.context).restore(from: from, to: fixture.today - 44 * ArchiveFixture.day)
        #expect(restored.map(\.partition).sorted() == [fixture.partitionName(daysAgo: 46), fixture.partitionName(daysAgo: 45)].sorted())
        #expect(try await fixture.count("SELECT count(*) FROM positions") == 120 + 240)
        #expect(
            try await fixture.count(
                """
                SELECT count(*) FROM positions WHERE fix_time < now() - interval '40 days'
                  AND vehicle_key = 2 AND device_id = 2 AND speed_kmh = 50 AND satellites = 9 AND abs(hdop - 0.9) < 1e-6
                  AND abs(ST_X(geom) - 11.02) < 1e-9 AND attributes ? '66'
                """) == 80)
        // The job leaves restored partitions alone...
        let again = try await fixture.archiver().run()
        #expect(again.archived.isEmpty)
        #expect(again.skippedRestored.count == 2)
        #expect(try await fixture.count("SELECT count(*) FROM positions") == 360)
        // ...until they are dropped again; the archives stay.
        let dropped = try await ArchiveRestorer(context: fixture.context).dropRestored(from: from - ArchiveFixture.day * 5, to: fixture.today)
        #expect(dropped.count == 2)
        #expect(try await fixture.count("SELECT count(*) FROM positions") == 120)
        #expect(try fixture.context.directory.manifests().count == 3)
    }

    @Test func aTamperedArchiveFailsVerifyAndIsNotRestored() async throws {
        let fixture = try await ArchiveFixture.make(oldDays: 1, perDay: 30, vehicles: 2)
        _ = try await fixture.archiver().run()
        let manifest = try #require(try fixture.context.directory.manifests().first)
        let path = fixture.archiveDirectory + "/" + manifest.file
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: path))
        let results = try await ArchiveVerifier(context: fixture.context).verifyAll()
        #expect(results.count == 1)
        #expect(results.first?.problem != nil)
        await #expect(throws: (any Error).self) {
            _ = try await ArchiveRestorer(context: fixture.context).restore(from: 0, to: fixture.today + ArchiveFixture.day)
        }
        #expect(try await fixture.count("SELECT count(*) FROM positions") == 60, "only today's rows")
    }

    @Test func twoArchiversNeverArchiveTheSamePartition() async throws {
        let fixture = try await ArchiveFixture.make(oldDays: 3, perDay: 30, vehicles: 2)
        let a = fixture.archiver()
        let b = fixture.archiver()
        async let first = a.run()
        async let second = b.run()
        let results = try await [first, second]
        // Exactly one did the work (or both did disjoint parts in turn); no partition twice.
        let names = results.flatMap { $0.archived.map(\.name) }
        #expect(names.count == 3)
        #expect(Set(names).count == 3)
        #expect(try fixture.context.directory.manifests().count == 3)

        // While another session holds the lock, a run does nothing.
        let fixture2 = try await ArchiveFixture.make(oldDays: 1, perDay: 10, vehicles: 1)
        let holder = try await ArchiveLockHolder.take(on: fixture2.endpoint, id: 3)
        #expect(holder.held)
        let blocked = try await fixture2.archiver().run()
        #expect(blocked.lockedOut)
        #expect(try await fixture2.count("SELECT count(*) FROM positions") == 20)
        try await holder.release()
        #expect(try await fixture2.archiver().run().archived.count == 1)
    }
}
