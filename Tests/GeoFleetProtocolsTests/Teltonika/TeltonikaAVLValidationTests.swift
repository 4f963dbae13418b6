import GeoFleetProtocols
import NIOCore
import Testing

@Suite("AVL data validation")
struct TeltonikaAVLValidationTests {
    private func decode(_ bytes: [UInt8]) throws(TeltonikaDecodingError) -> TeltonikaAVLPacket {
        var buffer = ByteBuffer(bytes: bytes)
        return try Teltonika.decodeAVLData(&buffer)
    }

    @Test("Number of Data 2 differing from Number of Data 1")
    func recordCountMismatch() {
        var data = TeltonikaFrames.avlData("wiki-codec8-1")
        data[data.count - 1] = 0x02
        #expect(throws: TeltonikaDecodingError.recordCountMismatch(first: 1, second: 2)) { try decode(data) }
    }

    @Test("a record count the remaining bytes cannot hold is refused before allocating")
    func implausibleRecordCount() {
        var data = TeltonikaFrames.avlData("wiki-codec8-1") // 54 bytes: room for one record
        data[1] = 0xFF
        #expect(throws: TeltonikaDecodingError.implausibleRecordCount(count: 255, availableBytes: 51)) { try decode(data) }
        // Two records declared, one present: enough bytes for the minimum size, so it ends in truncation.
        var two = TeltonikaFrames.avlData("wiki-codec8-1")
        two[1] = 0x02
        #expect(throws: TeltonikaDecodingError.self) { try decode(two) }
    }

    @Test("data cut anywhere inside a record -> .truncated (or a count that no longer fits)")
    func truncatedEverywhere() {
        let data = TeltonikaFrames.avlData("traccar-codec8e-vin-dtc")
        for cut in 2..<(data.count - 1) {
            #expect(throws: TeltonikaDecodingError.self) { try decode(Array(data[..<cut])) }
        }
        #expect(throws: TeltonikaDecodingError.truncated) { try decode(Array(data.dropLast(1))) }
        #expect(throws: TeltonikaDecodingError.truncated) { try decode([0x08]) }
        #expect(throws: TeltonikaDecodingError.truncated) { try decode([0x08, 0x00]) }
    }

    @Test("total IO count disagreeing with N1 + N2 + N4 + N8")
    func ioCountMismatch() {
        var data = TeltonikaFrames.avlData("wiki-codec8-1")
        // Offset 2 + 8 + 1 + 15 + 1 = 27 is N total (05).
        #expect(data[27] == 0x05)
        data[27] = 0x06
        #expect(throws: TeltonikaDecodingError.ioCountMismatch(declared: 6, actual: 5)) { try decode(data) }
        data[27] = 0x04
        #expect(throws: TeltonikaDecodingError.ioCountMismatch(declared: 4, actual: 5)) { try decode(data) }
    }

    @Test("NX elements count toward the Codec 8 Extended total")
    func nxCountsTowardTotal() {
        var data = TeltonikaFrames.avlData("traccar-codec8e-vin")
        // Codec 8E: total is 2 bytes at 2 + 8 + 1 + 15 + 2 = 28; 00 14 = 19 fixed + 1 NX.
        #expect(data[28] == 0x00 && data[29] == 0x14)
        data[29] = 0x13
        #expect(throws: TeltonikaDecodingError.ioCountMismatch(declared: 19, actual: 20)) { try decode(data) }
    }

    @Test("a huge group or NX length is refused without reading past the data")
    func hugeCounts() {
        var group = TeltonikaFrames.avlData("wiki-codec8e")
        // Codec 8E: N1 is 2 bytes at 30.
        group[30] = 0xFF
        group[31] = 0xFF
        #expect(throws: TeltonikaDecodingError.truncated) { try decode(group) }

        var nx = TeltonikaFrames.avlData("traccar-codec8e-vin")
        // The VIN's 2-byte length 00 11 sits 17 + 2 bytes before Number of Data 2.
        let lengthAt = nx.count - 1 - 17 - 2
        #expect(nx[lengthAt] == 0x00 && nx[lengthAt + 1] == 0x11)
        nx[lengthAt] = 0xFF
        #expect(throws: TeltonikaDecodingError.truncated) { try decode(nx) }
    }

    @Test("unsupported codec id")
    func unsupportedCodec() {
        #expect(throws: TeltonikaDecodingError.unsupportedCodec(0x0C)) {
            try decode(TeltonikaFrames.avlData("wiki-codec12-getinfo"))
        }
    }

    @Test("a failed decode leaves the buffer untouched; a good one stops right after Number of Data 2")
    func bufferPosition() throws {
        var bad = ByteBuffer(bytes: Array(TeltonikaFrames.avlData("wiki-codec16").dropLast(1)))
        #expect(throws: TeltonikaDecodingError.self) { try Teltonika.decodeAVLData(&bad) }
        #expect(bad.readerIndex == 0)

        // UDP shares this function: whatever follows Number of Data 2 is the caller's business.
        var good = ByteBuffer(bytes: TeltonikaFrames.avlData("wiki-codec16") + [0xAB, 0xCD])
        let packet = try Teltonika.decodeAVLData(&good)
        #expect(packet.records.count == 2)
        #expect(good.readableBytes == 2)
    }

    @Test("error descriptions are human-readable")
    func descriptions() {
        #expect(TeltonikaDecodingError.unsupportedCodec(0x07).description.contains("0x7"))
        #expect(TeltonikaDecodingError.frameTooLarge(length: 70000, limit: 65536).description.contains("70000"))
    }
}
