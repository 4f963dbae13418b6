import Foundation
@testable import GeoFleetArchive
import GeoFleetPlatform
import GeoFleetTestSupport
import Testing

/// The archive export over several COPY TO streams: one file, the same bytes as one stream gives.
@Suite("Parallel archive export", .serialized)
struct ParallelExportTests {
    /// The uncompressed binary COPY stream of every archive file, by partition.
    static func contents(_ fixture: ArchiveFixture) throws -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for manifest in try fixture.context.directory.manifests() {
            let plain = fixture.archiveDirectory + "/" + manifest.partition + ".copy"
            let result = try ChildProcess.run("/usr/bin/zstd", ["-d", "-q", "-f", "-o", plain, fixture.archiveDirectory + "/" + manifest.file])
            #expect(result.status == 0, "\(result.output)")
            out[manifest.partition] = try fileBytes(plain)
            unlink(plain)
        }
        return out
    }

    @Test("three streams write the same rows, in the same order, as one stream; each archive verifies")
    func threeStreamsEqualOne() async throws {
        let single = try await ArchiveFixture.make(oldDays: 2, perDay: 60, vehicles: 7)
        let parallel = try await ArchiveFixture.make(oldDays: 2, perDay: 60, vehicles: 7)
        let one = try await single.archiver(exportStreams: 1).run()
        let three = try await parallel.archiver(exportStreams: 3).run()
        #expect(one.rows == 2 * 60 * 7 && three.rows == one.rows)
        #expect(three.archived.count == 2)
        let expected = try Self.contents(single)
        let actual = try Self.contents(parallel)
        #expect(expected.count == 2)
        #expect(expected.keys.sorted() == actual.keys.sorted())
        for (partition, bytes) in expected {
            #expect(actual[partition] == bytes, "partition \(partition)")
        }
        let verified = try await ArchiveVerifier(context: parallel.context).verifyAll()
        #expect(verified.count == 2 && verified.allSatisfy { $0.problem == nil })
    }

    @Test("ranges cut into several sorted COPYs per stream join into the same stream as one COPY")
    func severalCopiesPerStream() async throws {
        let fixture = try await ArchiveFixture.make(oldDays: 1, perDay: 40, vehicles: 9)
        let table = fixture.partitionName(daysAgo: 45)
        let directory = try TemporaryDirectory(prefix: "geofleet-export")
        let endpoint = fixture.endpoint
        let (whole, cut) = try await Blocking.onOwnThread {
            try ParallelExport.export(table: table, endpoint: endpoint, streams: 1, rows: 360, to: directory.path + "/whole.zst")
            // 360 rows, 3 streams, at most 50 rows per COPY: 3 COPYs in each stream.
            try ParallelExport.export(table: table, endpoint: endpoint, streams: 3, rows: 360, rowsPerSort: 50, to: directory.path + "/cut.zst")
            func stats(_ name: String) throws -> ArchiveStats {
                try ArchiveReader.stats(ArchiveSource(path: directory.path + "/\(name).zst", label: name, encryption: nil), keys: .none)
            }
            return (try stats("whole"), try stats("cut"))
        }
        #expect(whole.rows == 360 && cut.rows == 360)
        #expect(cut.vehicleKeys == whole.vehicleKeys && cut.vehicleKeys.count == 9)
        for name in ["whole", "cut"] {
            let result = try ChildProcess.run("/usr/bin/zstd", ["-d", "-q", "-f", directory.path + "/\(name).zst"])
            #expect(result.status == 0)
        }
        #expect(try fileBytes(directory.path + "/cut") == fileBytes(directory.path + "/whole"))
    }

    @Test("key ranges cover every key once, in order")
    func keyRanges() {
        #expect(ParallelExport.keyRanges(min: nil, max: nil, streams: 4) == [Int64.min...Int64.max])
        #expect(ParallelExport.keyRanges(min: 5, max: 5, streams: 4) == [Int64.min...Int64.max])
        let ranges = ParallelExport.keyRanges(min: 1, max: 1000, streams: 4)
        #expect(ranges.count == 4)
        #expect(ranges.first?.lowerBound == .min && ranges.last?.upperBound == .max)
        for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.upperBound + 1 == b.lowerBound) }
        #expect(ranges.map { $0.clamped(to: 1...1000).count }.allSatisfy { (240...260).contains($0) })
        #expect(ParallelExport.keyRanges(min: 1, max: 3, streams: 8).count == 3)
        #expect(ParallelExport.keyRanges(min: .min, max: .max, streams: 2).count == 2)
    }

    @Test("the cutter drops the header and keeps everything but the trailer, however the bytes are split")
    func cutter() throws {
        let header = PGCopyBinaryScanner.signature + [0, 0, 0, 0, 0, 0, 0, 0]
        let body: [UInt8] = Array(0..<200).map { UInt8($0) }
        let stream = header + body + [0xFF, 0xFF]
        for split in [1, 2, 3, 7, 19, 20, 64, 300] {
            var cutter = StreamCutter(skip: 19, holdBack: 2)
            var out: [UInt8] = []
            var offset = 0
            while offset < stream.count {
                let piece = Array(stream[offset..<min(offset + split, stream.count)])
                try piece.withUnsafeBytes { try cutter.pass($0) { out.append(contentsOf: $0) } }
                offset += split
            }
            try cutter.finish()
            #expect(out == body, "split \(split)")
        }
        var bad = StreamCutter(skip: 19, holdBack: 2)
        let wrongHeader: [UInt8] = Array(repeating: 0, count: 19)
        #expect(throws: ArchiveError.self) { try wrongHeader.withUnsafeBytes { try bad.pass($0) { _ in } } }
        var noTrailer = StreamCutter(skip: 0, holdBack: 2)
        try [1, 2, 3].withUnsafeBytes { try noTrailer.pass($0) { _ in } }
        #expect(throws: ArchiveError.self) { try noTrailer.finish() }
    }
}
