import GeoFleetSpool
import GeoFleetTestSupport
import Testing

@Suite struct RecoveryTests {
    private let onlySegment = "seg-00000000000000000001.log"

    private func fill(_ dir: String, count: Int, size: Int = 32, segmentBytes: Int = 64 << 20) async throws {
        let spool = try openSpool(dir, segmentBytes: segmentBytes)
        for i in 1...count { _ = try await spool.append(payload(i, size: size)) }
        spool.close()
    }

    @Test func tornTailIsTruncatedAndIntactRecordsSurvive() async throws {
        try await withTemporaryDirectory(prefix: "spool") { dir in
            try await fill(dir, count: 5)
            let path = dir + "/" + onlySegment
            var bytes = try fileBytes(path)
            bytes.removeLast(3) // crash in the middle of writing record 5
            try writeFile(path, bytes)

            let spool = try openSpool(dir)
            #expect(try spool.records(after: 0).map(\.sequence) == [1, 2, 3, 4])
            #expect(try spool.records(after: 0).map(\.payload) == (1...4).map { payload($0) })
            #expect(try fileBytes(path).count == 4 * recordSize(32))
            #expect(try await spool.append(payload(50)) == 5)
            spool.close()

            let again = try openSpool(dir)
            defer { again.close() }
            #expect(try again.records(after: 0).map(\.payload) == (1...4).map { payload($0) } + [payload(50)])
        }
    }

    /// One consumer (the event tap) ahead of another (a writer stream) at the crash: numbering goes on
    /// after the one ahead, but nothing the one behind has not committed may be dropped at open.
    @Test func recordsAConsumerHasNotCommittedSurviveAnOpenAfterAnotherConsumersWatermark() async throws {
        try await withTemporaryDirectory(prefix: "spool") { dir in
            try await fill(dir, count: 5, segmentBytes: 2 * recordSize(32))
            let spool = try openSpool(dir, after: 5, committed: 2, segmentBytes: 2 * recordSize(32))
            #expect(try spool.records(after: 2).map(\.sequence) == [3, 4, 5])
            #expect(spool.pendingBytes == 3 * Int64(recordSize(32)))
            #expect(try await spool.append(payload(9)) == 6)
            spool.close()
            // Once both committed through 5, the old segments go.
            let later = try openSpool(dir, after: 6, committed: 5, segmentBytes: 2 * recordSize(32))
            defer { later.close() }
            #expect(try later.records(after: 5).map(\.sequence) == [6])
            #expect(try later.records(after: 0).map(\.sequence).allSatisfy { $0 >= 5 })
        }
    }

    @Test func garbageAfterLastRecordIsTruncated() async throws {
        try await withTemporaryDirectory(prefix: "spool") { dir in
            try await fill(dir, count: 3)
            let path = dir + "/" + onlySegment
            // A half-written header (valid magic, then nothing sensible) followed by junk.
            try writeFile(path, try fileBytes(path) + [0x47, 0x46, 0x53, 0x31, 0xFF, 0x00] + [UInt8](repeating: 0xAB, count: 40))

            let spool = try openSpool(dir)
            defer { spool.close() }
            #expect(try spool.records(after: 0).map(\.sequence) == [1, 2, 3])
            #expect(try fileBytes(path).count == 3 * recordSize(32))
            #expect(spool.lastSequence == 3)
        }
    }

    @Test func corruptByteInTheMiddleDropsOnlyThatRecord() async throws {
        try await withTemporaryDirectory(prefix: "spool") { dir in
            try await fill(dir, count: 5)
            let path = dir + "/" + onlySegment
            var bytes = try fileBytes(path)
            bytes[2 * recordSize(32) + 16 + 5] ^= 0x40 // a payload byte of record 3
            try writeFile(path, bytes)

            let spool = try openSpool(dir)
            defer { spool.close() }
            let records = try spool.records(after: 0)
            #expect(records.map(\.sequence) == [1, 2, 4, 5])
            #expect(records.map(\.payload) == [1, 2, 4, 5].map { payload($0) })
            #expect(try await spool.append(payload(6)) == 6) // numbering continues above the damage
        }
    }

    @Test func corruptLengthFieldDoesNotLoseLaterRecords() async throws {
        try await withTemporaryDirectory(prefix: "spool") { dir in
            try await fill(dir, count: 4)
            let path = dir + "/" + onlySegment
            var bytes = try fileBytes(path)
            bytes[recordSize(32) + 6] = 0x7F // length of record 2 now claims ~8 MB
            try writeFile(path, bytes)

            let spool = try openSpool(dir)
            defer { spool.close() }
            #expect(try spool.records(after: 0).map(\.sequence) == [1, 3, 4])
        }
    }

    @Test func damageInAnOlderSegmentKeepsTheRest() async throws {
        try await withTemporaryDirectory(prefix: "spool") { dir in
            // 2 records of 52 bytes per 110-byte segment: seg-1 (1, 2), seg-3 (3, 4), seg-5 (5).
            try await fill(dir, count: 5, segmentBytes: 110)
            #expect(try segmentFiles(dir).count == 3)
            let first = dir + "/" + onlySegment
            var bytes = try fileBytes(first)
            bytes[20] ^= 0x01 // payload of record 1
            bytes[bytes.count - 1] ^= 0x01 // CRC of record 2: a damaged tail of an older segment
            try writeFile(first, bytes)

            let spool = try openSpool(dir)
            defer { spool.close() }
            #expect(try spool.records(after: 0).map(\.sequence) == [3, 4, 5])
            #expect(try fileBytes(first).count == 2 * recordSize(32)) // older segments are never truncated
        }
    }
}
