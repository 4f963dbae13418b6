import Foundation
import GeoFleetArchive
import GeoFleetCore
import GeoFleetPostGIS
import GeoFleetTestSupport
import Testing

/// `archive run --now` (and a test clock) may age data, but today's and yesterday's partitions by
/// the real clock still receive positions and are never archived.
@Suite(.serialized) struct ArchiveWallClockTests {
    @Test func aFutureNowNeverArchivesTodayOrYesterday() async throws {
        let fixture = try await ArchiveFixture.make(oldDays: 1, perDay: 5, vehicles: 2)
        // Yesterday's rows too (the fixture writes 45 days ago and today).
        let yesterday = fixture.today - ArchiveFixture.day
        let writer = HistoryWriter(endpoint: fixture.endpoint, scheme: .daily, logger: testLogger("writer"))
        try await writer.write([
            SequencedPositions(
                sequence: 100,
                positions: (0..<7).map { i in
                    Position(
                        vehicleKey: 1, deviceID: 1, fixTime: yesterday + Int64(i) * 3_600_000, receivedTime: yesterday + Int64(i) * 3_600_000,
                        latitude: 48, longitude: 11)
                })
        ])
        await writer.close()
        #expect(try await fixture.count("SELECT count(*) FROM positions") == 10 + 10 + 7)

        // `--now` 60 days ahead: by it, every partition is past the 30-day retention.
        let future = fixture.today + 60 * ArchiveFixture.day
        var archiver = PartitionArchiver(context: fixture.context, retentionDays: 30, now: { future })
        archiver.progress = { _ in }
        #expect(archiver.cutoff > fixture.today + ArchiveFixture.day, "by --now alone, today would be due")
        let summary = try await archiver.run()
        #expect(summary.archived.map(\.name) == [fixture.partitionName(daysAgo: 45)])
        #expect(Set(summary.keptRecent) == [fixture.partitionName(daysAgo: 0), fixture.partitionName(daysAgo: 1)])
        #expect(try await fixture.count("SELECT count(*) FROM positions") == 17)
        let live = try await fixture.livePartitions()
        #expect(live.contains(fixture.partitionName(daysAgo: 0)) && live.contains(fixture.partitionName(daysAgo: 1)))
        #expect(try fixture.context.directory.manifests().map(\.partition) == [fixture.partitionName(daysAgo: 45)])

        // The listing agrees: nothing of today or yesterday is shown as due.
        let overview = try await ArchiveOverview.load(context: fixture.context, retentionDays: 30, now: future)
        #expect(overview.due.isEmpty)

        // With the wall clock a day on, the fixture's yesterday is two days old and no longer protected.
        var later = PartitionArchiver(context: fixture.context, retentionDays: 30, now: { future })
        later.wallClock = { fixture.today + ArchiveFixture.day + 3_600_000 }
        let second = try await later.run()
        #expect(second.archived.map(\.name) == [fixture.partitionName(daysAgo: 1)])
        #expect(second.keptRecent == [fixture.partitionName(daysAgo: 0)])
        #expect(try await fixture.count("SELECT count(*) FROM positions") == 10)
    }
}
