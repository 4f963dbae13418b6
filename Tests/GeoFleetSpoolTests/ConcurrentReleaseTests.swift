import GeoFleetSpool
import GeoFleetTestSupport
import Testing

@Suite struct ConcurrentReleaseTests {
    /// Appends, releases and segment rolls interleaved; afterwards a reopen still replays exactly
    /// the unreleased records with their own payloads.
    @Test func appendsAndReleasesInterleave() async throws {
        try await withTemporaryDirectory(prefix: "spool") { dir in
            let spool = try openSpool(dir, segmentBytes: 2_000)
            let written = try await withThrowingTaskGroup(of: [UInt64: [UInt8]].self) { group in
                for task in 0..<20 {
                    group.addTask {
                        var mine: [UInt64: [UInt8]] = [:]
                        for i in 0..<25 {
                            let bytes = payload(task * 100 + i, size: 10 + i)
                            mine[try await spool.append(bytes)] = bytes
                        }
                        return mine
                    }
                }
                group.addTask {
                    for _ in 0..<20 {
                        spool.release(upTo: spool.lastSequence / 2)
                        _ = try spool.records(after: 0) // must not trip over segments deleted meanwhile
                        try await Task.sleep(for: .milliseconds(1))
                    }
                    return [:]
                }
                return try await group.reduce(into: [:]) { $0.merge($1) { a, _ in a } }
            }
            let watermark: UInt64 = 300
            spool.release(upTo: watermark)
            spool.close()

            let reopened = try openSpool(dir, after: watermark, segmentBytes: 2_000)
            defer { reopened.close() }
            let expected = written.filter { $0.key > watermark }.sorted { $0.key < $1.key }
            let records = try reopened.records(after: watermark)
            #expect(records.map(\.sequence) == expected.map(\.key))
            #expect(records.map(\.payload) == expected.map(\.value))
            #expect(reopened.pendingBytes == Int64(expected.reduce(0) { $0 + recordSize($1.value.count) }))
            #expect(try await reopened.append(payload(0)) == 501)
        }
    }
}
