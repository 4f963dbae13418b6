import Foundation
import GeoFleetArchive
import Testing

@testable import GeoFleetExport

/// How an export's range is cut into live and archive segments.
struct ExportPlanTests {
    static let day: Int64 = 86_400_000
    static let base: Int64 = 1_790_000_000_000 - 1_790_000_000_000 % 86_400_000

    static func manifest(_ partition: String, start: Int64) throws -> ArchiveManifest {
        let json = """
            {"format": "geofleet.positions.archive", "version": 1, "encoding": "", "compression": "zstd", "columns": [], "erasures": [],
             "partition": "\(partition)", "rangeStart": "\(iso(start))", "rangeEnd": "\(iso(start + day))",
             "file": "\(partition).g1.pgcopy.zst", "generation": 1, "rows": 1, "vehicleCount": 1, "vehicleKeys": [1],
             "compressedBytes": 1, "sha256": "", "tableBytes": 1, "createdAt": "\(iso(start))"}
            """
        return try JSONDecoder().decode(ArchiveManifest.self, from: Data(json.utf8))
    }

    static func iso(_ ms: Int64) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }

    static func describe(_ segments: [ExportSegment]) -> [String] {
        segments.map {
            switch $0 {
            case .live(let from, let to, let through): "live \((from - base) / 3_600_000)h-\((to - base) / 3_600_000)h\(through ? "]" : ")")"
            case .archive(let m): "archive \(m.partition)"
            }
        }
    }

    @Test func archivedDaysBetweenLiveDaysAreReadFromTheirFilesAndTheRestByDay() throws {
        let archived = try Self.manifest("p1", start: Self.base + Self.day)
        let segments = ExportPlan.segments(
            from: Self.base + 12 * 3_600_000, to: Self.base + 3 * Self.day + 6 * 3_600_000, manifests: [archived], livePartitions: [])
        #expect(Self.describe(segments) == ["live 12h-24h)", "archive p1", "live 48h-72h)", "live 72h-78h]"])
    }

    @Test func aRestoredPartitionIsReadLiveOnce() throws {
        let archived = try Self.manifest("p1", start: Self.base + Self.day)
        let segments = ExportPlan.segments(from: Self.base, to: Self.base + 3 * Self.day, manifests: [archived], livePartitions: ["p1"])
        #expect(Self.describe(segments) == ["live 0h-24h)", "live 24h-48h)", "live 48h-72h]"])
    }

    @Test func archivesOutsideTheRangeAreNotRead() throws {
        let before = try Self.manifest("p0", start: Self.base - Self.day)
        let after = try Self.manifest("p9", start: Self.base + 5 * Self.day)
        let segments = ExportPlan.segments(from: Self.base, to: Self.base + Self.day - 1, manifests: [before, after], livePartitions: [])
        #expect(Self.describe(segments) == ["live 0h-23h]"])
    }
}
