import GeoFleetSpool
import GeoFleetTestSupport
import Testing

@Suite struct SpoolRoundTripTests {
    @Test func appendReopenReturnsExactPayloadsAndSequences() async throws {
        try await withTemporaryDirectory(prefix: "spool") { dir in
            let payloads = (0..<10).map { payload($0, size: $0 * 17) } // includes an empty payload
            do {
                let spool = try openSpool(dir)
                var sequences: [UInt64] = []
                for p in payloads { sequences.append(try await spool.append(p)) }
                #expect(sequences == Array(1...10))
                #expect(spool.lastSequence == 10)
                #expect(try spool.records(after: 0).map(\.payload) == payloads)
                spool.close()
            }
            let reopened = try openSpool(dir)
            defer { reopened.close() }
            let records = try reopened.records(after: 0)
            #expect(records.map(\.sequence) == Array(1...10))
            #expect(records.map(\.payload) == payloads)
            #expect(try reopened.records(after: 7).map(\.sequence) == [8, 9, 10])
            #expect(reopened.lastSequence == 10)
            #expect(reopened.pendingBytes == Int64(payloads.reduce(0) { $0 + recordSize($1.count) }))
            #expect(try await reopened.append(payload(99)) == 11)
        }
    }

    @Test func batchAppendKeepsOrderInOneGroup() async throws {
        try await withTemporaryDirectory(prefix: "spool") { dir in
            let spool = try openSpool(dir, after: 41)
            defer { spool.close() }
            let batch = (0..<5).map { payload($0) }
            #expect(try await spool.append(contentsOf: batch) == [42, 43, 44, 45, 46])
            #expect(spool.fsyncCount == 1)
            #expect(try await spool.append(contentsOf: []) == [])
            let records = try spool.records(after: 41)
            #expect(records == zip(42..., batch).map { SpoolRecord(sequence: $0, payload: $1) })
        }
    }

    @Test func closeFlushesAndLaterAppendsThrowClosed() async throws {
        try await withTemporaryDirectory(prefix: "spool") { dir in
            let spool = try openSpool(dir)
            _ = try await spool.append(payload(1))
            spool.close()
            spool.close() // idempotent
            do {
                _ = try await spool.append(payload(2))
                Issue.record("append after close succeeded")
            } catch let error as SpoolError {
                guard case .closed = error else { Issue.record("expected .closed, got \(error)"); return }
            }
        }
    }

    @Test func oversizedPayloadIsRejected() async throws {
        try await withTemporaryDirectory(prefix: "spool") { dir in
            let spool = try openSpool(dir)
            defer { spool.close() }
            do {
                _ = try await spool.append([UInt8](repeating: 1, count: Spool.maxPayloadBytes + 1))
                Issue.record("expected payloadTooLarge")
            } catch let error as SpoolError {
                guard case .payloadTooLarge(Spool.maxPayloadBytes + 1) = error else {
                    Issue.record("unexpected \(error)")
                    return
                }
            }
            #expect(spool.lastSequence == 0)
        }
    }

    @Test func createsMissingNestedDirectory() async throws {
        try await withTemporaryDirectory(prefix: "spool") { dir in
            let spool = try openSpool(dir + "/a/b/spool")
            defer { spool.close() }
            #expect(try await spool.append(payload(1)) == 1)
            #expect(try segmentFiles(dir + "/a/b/spool") == ["seg-00000000000000000001.log"])
        }
    }
}
