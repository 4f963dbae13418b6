import GeoFleetTestSupport
import Glibc
import GeoFleetSpool
import Testing

@Suite struct FailureTests {
    @Test func failedSyncIsNotDurableAndLaterAppendsSucceed() async throws {
        try await withTemporaryDirectory(prefix: "spool") { dir in
            let path = dir + "/seg-00000000000000000001.log"
            do {
                let spool = try openSpool(dir)
                #expect(try await spool.append(payload(1)) == 1)

                spool.injectSyncFailure(errno: ENOSPC)
                do {
                    _ = try await spool.append(contentsOf: [payload(2), payload(3)])
                    Issue.record("expected .io")
                } catch let error as SpoolError {
                    guard case let .io(_, code) = error else { Issue.record("unexpected \(error)"); return }
                    #expect(code == ENOSPC)
                }
                // Truncated back to the last good length, nothing pending, sequences given back.
                #expect(try fileBytes(path).count == recordSize(32))
                #expect(spool.pendingBytes == Int64(recordSize(32)))
                #expect(spool.lastSequence == 1)

                #expect(try await spool.append(payload(4)) == 2)
                #expect(try spool.records(after: 0).map(\.payload) == [payload(1), payload(4)])
                spool.close()
            }
            let reopened = try openSpool(dir)
            defer { reopened.close() }
            let records = try reopened.records(after: 0)
            #expect(records.map(\.sequence) == [1, 2])
            #expect(records.map(\.payload) == [payload(1), payload(4)])
        }
    }
}

@Suite struct PendingLedgerTests {
    @Test func coarseningNeverUnderCountsAndConverges() {
        var ledger = PendingLedger(maxEntries: 8)
        for sequence in 1...100 { ledger.add(lastSequence: UInt64(sequence), bytes: 10) }
        #expect(ledger.pendingBytes == 1000)
        #expect(ledger.entryCount <= 8)
        ledger.release(upTo: 37)
        #expect(ledger.pendingBytes >= 630) // may lag behind a coarse entry, never ahead
        ledger.release(upTo: 100)
        #expect(ledger.pendingBytes == 0)
        #expect(ledger.entryCount == 0)
    }

    @Test func exactWhileSmall() {
        var ledger = PendingLedger()
        for sequence in 1...10 { ledger.add(lastSequence: UInt64(sequence), bytes: Int64(sequence)) }
        ledger.release(upTo: 4)
        #expect(ledger.pendingBytes == 55 - 10)
    }
}
