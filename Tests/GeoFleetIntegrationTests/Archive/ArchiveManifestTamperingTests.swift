import Foundation
import GeoFleetArchive
import GeoFleetCore
import GeoFleetPostGIS
import GeoFleetTestSupport
import Testing

/// Restore runs a manifest's partition name and range as superuser DDL and its `file` as a path:
/// a tampered manifest is refused before anything reaches the database or the file system.
@Suite(.serialized) struct ArchiveManifestTamperingTests {
    /// Tables, their kinds and partition flags, and the row counts restore would change.
    func databaseState(_ fixture: ArchiveFixture) async throws -> [Int] {
        [
            try await fixture.count(
                """
                SELECT hashtext(string_agg(relname::text || ':' || relkind::text || ':' || relispartition::text, ',' ORDER BY relname))::int8
                FROM pg_class WHERE relnamespace = 'public'::regnamespace
                """),
            try await fixture.count("SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"),
            try await fixture.count("SELECT count(*) FROM positions"),
            try await fixture.count("SELECT count(*) FROM archive_restored"),
        ]
    }

    @Test func tamperedManifestsAreRefusedAndChangeNothing() async throws {
        let fixture = try await ArchiveFixture.make(oldDays: 1, perDay: 5, vehicles: 2)
        #expect(try await fixture.archiver().run().archived.count == 1)
        let partition = fixture.partitionName(daysAgo: 45)
        let path = fixture.archiveDirectory + "/" + ArchiveManifest.fileName(partition: partition)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let start = fixture.today - 45 * ArchiveFixture.day
        let before = try await databaseState(fixture)
        #expect(before[2] == 10, "today's rows only")

        let cases: [(String, [String: Any], String)] = [
            ("the parent table", ["partition": "positions"], "partition name"),
            ("SQL in the name", ["partition": "\(partition)\"; DROP TABLE positions; --"], "partition name"),
            ("a quote in the name", ["partition": "positions_p2026'1001"], "partition name"),
            ("a path for the file", ["file": "../../etc/passwd"], "file"),
            ("an absolute file", ["file": "/etc/passwd"], "file"),
            (
                "a range of another day",
                [
                    "rangeStart": UTCTime.iso8601(milliseconds: start + ArchiveFixture.day),
                    "rangeEnd": UTCTime.iso8601(milliseconds: start + 2 * ArchiveFixture.day),
                ], "belongs to"
            ),
            ("SQL in the range", ["rangeEnd": UTCTime.iso8601(milliseconds: start + ArchiveFixture.day) + "'); DROP TABLE positions; --"], "range"),
            ("a half-day range", ["rangeEnd": UTCTime.iso8601(milliseconds: start + ArchiveFixture.day / 2)], "belongs to"),
            ("negative rows", ["rows": -1], "out of range"),
            ("huge sizes", ["compressedBytes": Int64.max], "out of range"),
        ]
        for (what, change, expected) in cases {
            var json = try #require(try JSONSerialization.jsonObject(with: original) as? [String: Any])
            for (key, value) in change { json[key] = value }
            try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
            do {
                _ = try await ArchiveRestorer(context: fixture.context).restore(from: 0, to: fixture.today)
                Issue.record("a manifest with \(what) was accepted")
            } catch {
                #expect("\(error)".contains("refused") && "\(error)".contains(expected), "\(what): \(error)")
            }
            #expect(try await databaseState(fixture) == before, "\(what) changed the database")
            // Every reader refuses it too: verify, and the archive job (which would rewrite or drop by it).
            #expect(throws: ArchiveError.self) { try fixture.context.directory.manifests() }
        }
        #expect(FileManager.default.fileExists(atPath: "/etc/passwd"))

        // The untouched manifest restores as before: the checks refuse only what the archiver never writes.
        try original.write(to: URL(fileURLWithPath: path))
        let restored = try await ArchiveRestorer(context: fixture.context).restore(from: 0, to: fixture.today)
        #expect(restored.map(\.partition) == [partition])
        #expect(restored.map(\.rows) == [10])
        #expect(try await fixture.count("SELECT count(*) FROM positions") == 20)
    }
}
