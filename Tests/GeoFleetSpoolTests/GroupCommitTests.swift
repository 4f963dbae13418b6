import GeoFleetSpool
import GeoFleetTestSupport
import Testing

@Suite struct GroupCommitTests {
    @Test func concurrentAppendsShareFsyncs() async throws {
        try await withTemporaryDirectory(prefix: "spool") { dir in
            let spool = try openSpool(dir)
            defer { spool.close() }
            let count = 200
            let sequences = try await withThrowingTaskGroup(of: UInt64.self) { group in
                for i in 0..<count { group.addTask { try await spool.append(payload(i)) } }
                return try await group.reduce(into: [UInt64]()) { $0.append($1) }
            }
            #expect(Set(sequences) == Set(1...UInt64(count)))
            print("spool group commit: \(count) concurrent appends, \(spool.fsyncCount) fsyncs")
            // 200 separate fsyncs would be 200; a 2 ms window collects them into a handful.
            #expect(spool.fsyncCount <= count / 4, "fsyncs: \(spool.fsyncCount)")
            #expect(try spool.records(after: 0).count == count)
        }
    }

    @Test func throughputSmoke() async throws {
        try await withTemporaryDirectory(prefix: "spool") { dir in
            let spool = try openSpool(dir, segmentBytes: 1 << 20)
            defer { spool.close() }
            let tasks = 200
            let perTask = 50
            let clock = ContinuousClock()
            let elapsed = try await clock.measure {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for t in 0..<tasks {
                        group.addTask { for i in 0..<perTask { _ = try await spool.append(payload(t * perTask + i, size: 100)) } }
                    }
                    try await group.waitForAll()
                }
            }
            let total = tasks * perTask
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("spool throughput: \(total) appends of 100 B in \(elapsed), \(Int(Double(total) / seconds)) appends/s, \(spool.fsyncCount) fsyncs")
            #expect(spool.lastSequence == UInt64(total))
            #expect(try spool.records(after: 0).map(\.sequence) == Array(1...UInt64(total)))
        }
    }
}
