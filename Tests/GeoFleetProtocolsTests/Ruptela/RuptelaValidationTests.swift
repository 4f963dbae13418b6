import GeoFleetCore
import GeoFleetProtocols
import Testing

@Suite("Ruptela payload validation")
struct RuptelaValidationTests {
    /// A real payload re-framed with a correct CRC, through the channel, then decoded.
    private func decodeThroughChannel(command: UInt8, payload: [UInt8]) throws -> RuptelaMessage {
        let bytes = Ruptela.encodeFrame(RuptelaFrame(imei: "868324023580306", command: command, payload: payload))
        let frames = try RuptelaFixtures.decodeFrames([bytes])
        return try Ruptela.decode(try #require(frames.first))
    }

    @Test("a record count larger than the payload throws .truncated, through the channel, before allocating")
    func recordCountTooLarge() throws {
        var payload = RuptelaFixtures.named("traccar-records-2015-04").payload
        #expect(payload[1] == 2)
        payload[1] = 0xFF
        #expect(throws: RuptelaDecodingError.truncated) { try decodeThroughChannel(command: 1, payload: payload) }
        // Three declared, two present: the count fits the minimum size, the third record runs out.
        payload[1] = 3
        #expect(throws: RuptelaDecodingError.truncated) { try decodeThroughChannel(command: 1, payload: payload) }
    }

    @Test("payload cut anywhere -> .truncated", arguments: ["traccar-records-2015-04", "traccar-ext-merged-4", "traccar-dtc-badlength"])
    func truncatedEverywhere(name: String) {
        let fixture = RuptelaFixtures.named(name)
        for cut in 0..<fixture.payload.count {
            let frame = RuptelaFrame(imei: fixture.expect.imei, command: fixture.expect.command, payload: Array(fixture.payload[..<cut]))
            #expect(throws: RuptelaDecodingError.truncated) { try Ruptela.decode(frame) }
        }
    }

    @Test("a huge IO group count is refused without reading past the payload")
    func hugeIOCount() throws {
        var payload = RuptelaFixtures.named("dimitrievski-ext-readme").payload
        // Records left, count, then the 25-byte extended header: the 1-byte group count follows at 2 + 25.
        #expect(payload[27] == 0x01)
        payload[27] = 0xFF
        #expect(throws: RuptelaDecodingError.truncated) { try decodeThroughChannel(command: 68, payload: payload) }
        var codes = RuptelaFixtures.named("traccar-dtc-badlength").payload
        codes[0] = 0xFF
        #expect(throws: RuptelaDecodingError.truncated) { try decodeThroughChannel(command: 9, payload: codes) }
    }

    @Test("bytes after the declared records are refused")
    func trailingBytes() {
        let fixture = RuptelaFixtures.named("traccar-records-2021")
        #expect(throws: RuptelaDecodingError.trailingBytes(2)) {
            try Ruptela.decode(RuptelaFrame(imei: fixture.expect.imei, command: 1, payload: fixture.payload + [0, 0]))
        }
    }

    @Test("an empty records packet (count 0) is valid and carries no fixes")
    func emptyRecords() throws {
        #expect(try Ruptela.decode(RuptelaFrame(imei: "868324023580306", command: 1, payload: [0, 0])) == .records([], recordsLeft: 0))
    }
}
