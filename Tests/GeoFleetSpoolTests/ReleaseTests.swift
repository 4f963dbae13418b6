import Foundation
import GeoFleetSpool
import GeoFleetTestSupport
import Testing

@Suite struct ReleaseTests {
    /// One 70-byte record per 100-byte segment, so every append rolls.
    private let size = 50
    private let segmentBytes = 100

    private func name(_ first: Int) -> String {
        "seg-" + String(repeating: "0", count: 20 - String(first).count) + String(first) + ".log"
    }

    @Test func releaseDeletesOldSegmentsButNeverTheActiveOne() async throws {
        try await withTemporaryDirectory(prefix: "spool") { dir in
            let spool = try openSpool(dir, segmentBytes: segmentBytes)
            defer { spool.close() }
            for i in 1...5 { _ = try await spool.append(payload(i, size: size)) }
            #expect(try segmentFiles(dir) == (1...5).map(name))
            #expect(spool.pendingBytes == Int64(5 * recordSize(size)))

            spool.release(upTo: 3)
            #expect(try segmentFiles(dir) == [name(4), name(5)])
            #expect(spool.pendingBytes == Int64(2 * recordSize(size)))
            #expect(try spool.records(after: 3).map(\.sequence) == [4, 5])

            spool.release(upTo: 5)
            #expect(try segmentFiles(dir) == [name(5)]) // active segment stays
            #expect(spool.pendingBytes == 0)

            spool.release(upTo: 2) // going backwards changes nothing
            #expect(spool.pendingBytes == 0)
            #expect(try await spool.append(payload(6, size: size)) == 6)
            #expect(try spool.records(after: 5).map(\.payload) == [payload(6, size: size)])
        }
    }

    @Test func releaseInsideTheActiveSegmentLowersPendingBytes() async throws {
        try await withTemporaryDirectory(prefix: "spool") { dir in
            let spool = try openSpool(dir)
            defer { spool.close() }
            for i in 1...4 { _ = try await spool.append(payload(i, size: size)) }
            spool.release(upTo: 3)
            #expect(spool.pendingBytes == Int64(recordSize(size)))
            #expect(try segmentFiles(dir).count == 1)
        }
    }

    @Test func reopenAfterCommitDropsCommittedSegments() async throws {
        try await withTemporaryDirectory(prefix: "spool") { dir in
            do {
                let spool = try openSpool(dir, segmentBytes: segmentBytes)
                for i in 1...4 { _ = try await spool.append(payload(i, size: size)) }
                spool.close()
            }
            // PostGIS committed up to 2 but the spool never heard (crash before release).
            let spool = try openSpool(dir, after: 2, segmentBytes: segmentBytes)
            defer { spool.close() }
            #expect(try segmentFiles(dir) == [name(3), name(4), name(5)])
            #expect(try spool.records(after: 2).map(\.sequence) == [3, 4])
            #expect(spool.pendingBytes == Int64(2 * recordSize(size)))
        }
    }

    @Test func sequencesNeverGoBackwards() async throws {
        try await withTemporaryDirectory(prefix: "spool") { dir in
            do {
                let spool = try openSpool(dir)
                for i in 1...3 { _ = try await spool.append(payload(i)) }
                spool.release(upTo: 3)
                spool.close()
            }
            // All released and every segment gone: only PostGIS remembers 3.
            for file in try segmentFiles(dir) { try FileManager.default.removeItem(atPath: dir + "/" + file) }
            do {
                let spool = try openSpool(dir, after: 3)
                #expect(spool.lastSequence == 3)
                #expect(try await spool.append(payload(4)) == 4)
                spool.close()
            }
            // Files ahead of the caller's watermark win too.
            do {
                let spool = try openSpool(dir, after: 0)
                #expect(try await spool.append(payload(5)) == 5)
                spool.close()
            }
            let spool = try openSpool(dir, after: 100)
            defer { spool.close() }
            #expect(try await spool.append(payload(6)) == 101)
            #expect(try spool.records(after: 100).map(\.sequence) == [101])
        }
    }

    @Test func fullPastTheLimitAndAppendsResumeAfterRelease() async throws {
        try await withTemporaryDirectory(prefix: "spool") { dir in
            let limit = Int64(3 * recordSize(size))
            let spool = try openSpool(dir, maxPendingBytes: limit)
            defer { spool.close() }
            for i in 1...3 { _ = try await spool.append(payload(i, size: size)) }
            do {
                _ = try await spool.append(payload(4, size: size))
                Issue.record("expected .full")
            } catch let error as SpoolError {
                guard case let .full(pending, reportedLimit) = error else { Issue.record("unexpected \(error)"); return }
                #expect(pending == limit)
                #expect(reportedLimit == limit)
            }
            #expect(spool.lastSequence == 3) // the refused append used no sequence

            spool.release(upTo: 1)
            #expect(try await spool.append(payload(4, size: size)) == 4)
            // A batch is refused as a whole when it does not fit.
            await #expect(throws: SpoolError.self) {
                try await spool.append(contentsOf: [payload(5, size: size), payload(6, size: size)])
            }
            #expect(spool.pendingBytes == limit)
        }
    }
}
