import GeoFleetCore
import GeoFleetProtocols
import NIOCore
import Testing

@Suite("Ruptela frame decoder")
struct RuptelaFrameDecoderTests {
    @Test("byte-at-a-time reassembly gives the same frames as whole reads")
    func byteAtATime() throws {
        let names = ["traccar-records-2015-04", "traccar-ident-eco4", "traccar-ext-merged-8", "dimitrievski-ext-readme"]
        let stream = names.flatMap { RuptelaFixtures.bytes($0) }
        let whole = try RuptelaFixtures.decodeFrames([stream])
        let trickled = try RuptelaFixtures.decodeFrames(stream.map { [$0] })
        #expect(whole == names.map { RuptelaFixtures.named($0).frame })
        #expect(trickled == whole)
    }

    @Test("two frames in one read, and the same pair split at every offset")
    func twoInOneRead() throws {
        let a = RuptelaFixtures.bytes("traccar-records-2011-2")
        let b = RuptelaFixtures.bytes("dimitrievski-ext-readme")
        let expected = [RuptelaFixtures.named("traccar-records-2011-2").frame, RuptelaFixtures.named("dimitrievski-ext-readme").frame]
        #expect(try RuptelaFixtures.decodeFrames([a + b]) == expected)
        let stream = a + b
        for cut in 1..<stream.count {
            #expect(try RuptelaFixtures.decodeFrames([Array(stream[..<cut]), Array(stream[cut...])]) == expected)
        }
    }

    @Test("next(_:) consumes nothing until a frame is complete, then exactly that frame")
    func nextConsumesWholeFramesOnly() throws {
        var decoder = RuptelaFrameDecoder()
        let frame = RuptelaFixtures.bytes("traccar-records-2015-10")
        var buffer = ByteBuffer(bytes: frame.dropLast())
        #expect(try decoder.next(&buffer) == nil)
        #expect(buffer.readerIndex == 0)
        buffer.writeBytes([frame[frame.count - 1], 0x00])
        #expect(try decoder.next(&buffer) == RuptelaFixtures.named("traccar-records-2015-10").frame)
        #expect(buffer.readableBytes == 1) // the next frame's first byte stays
        #expect(try decoder.next(&buffer) == nil)
    }

    @Test("a flipped bit fails the CRC and throws")
    func badCRC() {
        var frame = RuptelaFixtures.bytes("traccar-records-2021")
        frame[40] ^= 0x01
        #expect(throws: RuptelaDecodingError.self) { try RuptelaFixtures.decodeFrames([frame]) }
        var buffer = ByteBuffer(bytes: frame)
        var decoder = RuptelaFrameDecoder()
        #expect {
            try decoder.next(&buffer)
        } throws: { error in
            guard case .badCRC(let received, _) = error as? RuptelaDecodingError else { return false }
            return received == 0xA341
        }
    }

    @Test(
        "real frames whose length field was edited land on the wrong CRC and are refused",
        arguments: RuptelaFixtures.all.filter { $0.expect.framing != nil }.map(\.name))
    func lyingLength(name: String) {
        let fixture = RuptelaFixtures.named(name)
        #expect(fixture.expect.framing == "badCRC")
        var buffer = ByteBuffer(bytes: fixture.bytes)
        var decoder = RuptelaFrameDecoder()
        #expect {
            try decoder.next(&buffer)
        } throws: { error in
            guard case .badCRC = error as? RuptelaDecodingError else { return false }
            return true
        }
    }

    @Test("an oversized length field throws as soon as its two bytes arrive, before any body is buffered")
    func oversized() throws {
        #expect(throws: RuptelaDecodingError.frameTooLarge(length: 2049, limit: 2048)) {
            try RuptelaFixtures.decodeFrames([[0x08, 0x01]])
        }
        #expect(throws: RuptelaDecodingError.frameTooLarge(length: 0xFFFF, limit: 2048)) {
            try RuptelaFixtures.decodeFrames([[0xFF], [0xFF]])
        }
        // At the limit it waits for the body instead.
        #expect(try RuptelaFixtures.decodeFrames([[0x08, 0x00, 0x00]]).isEmpty)
        // A custom limit below a real frame's length.
        #expect(throws: RuptelaDecodingError.frameTooLarge(length: 0x3FB, limit: 512)) {
            try RuptelaFixtures.decodeFrames([RuptelaFixtures.bytes("traccar-records-nofix-29")], decoder: RuptelaFrameDecoder(maxFrameLength: 512))
        }
        // The largest real packets (1024 bytes) pass the default limit.
        #expect(try RuptelaFixtures.decodeFrames([RuptelaFixtures.bytes("traccar-files-photo")]).count == 1)
    }

    @Test("a length field too small for IMEI and command throws")
    func tooSmall() {
        #expect(throws: RuptelaDecodingError.frameTooSmall(length: 8)) { try RuptelaFixtures.decodeFrames([[0x00, 0x08]]) }
        #expect(throws: RuptelaDecodingError.frameTooSmall(length: 0)) { try RuptelaFixtures.decodeFrames([[0x00, 0x00]]) }
    }

    @Test("IMEI sanity: zero or more than 15 digits throws; fewer digits are zero-padded")
    func imei() throws {
        func packet(imei: UInt64) -> [UInt8] {
            var body = withUnsafeBytes(of: imei.bigEndian, Array.init) + [16]
            let crc = Ruptela.crc16(body)
            body = [0x00, 0x09] + body + [UInt8(crc >> 8), UInt8(crc & 0xFF)]
            return body
        }
        #expect(throws: RuptelaDecodingError.badIMEI(0)) { try RuptelaFixtures.decodeFrames([packet(imei: 0)]) }
        #expect(throws: RuptelaDecodingError.badIMEI(1_000_000_000_000_000)) {
            try RuptelaFixtures.decodeFrames([packet(imei: 1_000_000_000_000_000)])
        }
        #expect(throws: RuptelaDecodingError.badIMEI(.max)) { try RuptelaFixtures.decodeFrames([packet(imei: .max)]) }
        #expect(try RuptelaFixtures.decodeFrames([packet(imei: 999_999_999_999_999)]).first?.imei == "999999999999999")
        // Traccar's 14-digit IMEIs keep their leading zero.
        #expect(try RuptelaFixtures.decodeFrames([RuptelaFixtures.bytes("traccar-records-2011-2")]).first?.imei == "012207007303107")
    }

    @Test("error descriptions are human-readable")
    func descriptions() {
        #expect(RuptelaDecodingError.badCRC(received: 0x0A, computed: 0x13BC).description.contains("0x000A"))
        #expect(RuptelaDecodingError.frameTooLarge(length: 4000, limit: 2048).description.contains("4000"))
        #expect(RuptelaDecodingError.truncated.description.hasPrefix("Ruptela"))
    }
}
