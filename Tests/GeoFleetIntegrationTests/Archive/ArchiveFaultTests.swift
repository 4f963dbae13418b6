import Foundation
import GeoFleetArchive
import GeoFleetTestSupport
import Testing

/// A crash at every step of archiving leaves each partition either whole in PostGIS or in a verified
/// archive (never neither, never half-dropped), and a rerun completes the work, dropping a table a
/// crash left detached.
@Suite(.serialized) struct ArchiveFaultTests {
    struct Crash: Error {}

    @Test(arguments: ArchiveStep.allCases)
    func aCrashAtEveryStepLosesNothingAndARerunCompletes(step: ArchiveStep) async throws {
        let fixture = try await ArchiveFixture.make(oldDays: 2, perDay: 25, vehicles: 2)
        let perPartition = 50
        let old = [fixture.partitionName(daysAgo: 45), fixture.partitionName(daysAgo: 46)]
        #expect(try await fixture.count("SELECT count(*) FROM positions") == 3 * perPartition)

        // Crash at `step` of the first partition archived.
        await #expect(throws: Crash.self) {
            _ = try await fixture.archiver(faults: { s, _ in if s == step { throw Crash() } }).run()
        }
        try await assertEachPartitionIsSomewhere(fixture, old: old, perPartition: perPartition)
        #expect(try await fixture.count("SELECT count(*) FROM positions_default") == 0)

        // The rerun finishes, whatever state the crash left.
        let summary = try await fixture.archiver().run()
        #expect(!summary.lockedOut)
        #expect(summary.needsAttention.isEmpty)
        let live = try await fixture.livePartitions()
        #expect(old.allSatisfy { !live.contains($0) })
        #expect(try await fixture.count("SELECT count(*) FROM positions") == perPartition, "only today's rows stay")
        let manifests = try fixture.context.directory.manifests()
        #expect(manifests.map(\.partition).sorted() == old.sorted())
        #expect(manifests.allSatisfy { $0.rows == perPartition })
        let verified = try await ArchiveVerifier(context: fixture.context).verifyAll()
        #expect(verified.allSatisfy { $0.problem == nil })
        // No leftovers: one data file and one manifest per partition.
        #expect(try await fixture.count(Self.standaloneTables) == 0, "no detached table is left behind")
        let files = try fixture.files()
        #expect(files.count == 2 * old.count, "\(files)")
    }

    static let standaloneTables = "SELECT count(*) FROM pg_class WHERE relkind = 'r' AND NOT relispartition AND relname LIKE 'positions\\_p%'"

    /// The invariant after a crash: a partition is whole in PostGIS, or gone with an archive that
    /// verifies and holds all of its rows.
    func assertEachPartitionIsSomewhere(_ fixture: ArchiveFixture, old: [String], perPartition: Int) async throws {
        let live = try await fixture.livePartitions()
        let verified = try await ArchiveVerifier(context: fixture.context).verifyAll()
        for name in old {
            if live.contains(name) {
                #expect(try await fixture.count("SELECT count(*) FROM \(name)") == perPartition, "\(name) is whole in PostGIS")
            } else {
                // Detached but not yet dropped: still whole.
                if try await fixture.count(Self.standaloneTables + " AND relname = '\(name)'") == 1 {
                    #expect(try await fixture.count("SELECT count(*) FROM \(name)") == perPartition)
                }
                let archive = verified.first { $0.partition == name }
                #expect(archive != nil, "\(name) dropped without an archive")
                #expect(archive?.problem == nil)
                #expect(archive?.rows == perPartition)
            }
        }
    }
}
