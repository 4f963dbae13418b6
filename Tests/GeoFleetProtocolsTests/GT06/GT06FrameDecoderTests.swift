import GeoFleetProtocols
import NIOCore
import NIOEmbedded
import Testing

@Suite("GT06 frame decoder")
struct GT06FrameDecoderTests {
    /// Real frames of several kinds and both start markers.
    static let names = [
        "login-notes-example", "login-ext-utc-minus4", "gps-lbs-kaunas", "gps-lbs2-brazil-south-west",
        "heartbeat-charging", "alarm-vibration", "alarm26-vibration-nofix", "time-request", "info-7979-iccid",
        "gps-lbs-4g-china-mnc2",
    ]

    @Test("frames fed one byte per read decode to the same frames as one read")
    func oneByteAtATime() throws {
        let stream = Self.names.flatMap { GT06Fixtures.bytes($0) }
        let whole = try GT06Fixtures.frames([stream])
        let trickled = try GT06Fixtures.frames(stream.map { [$0] })
        #expect(whole.count == Self.names.count)
        #expect(trickled == whole)
        for (frame, name) in zip(whole, Self.names) {
            #expect(frame == (try GT06Fixtures.frame(name)))
        }
    }

    @Test("two frames in one read yield two frames; a cut anywhere does not matter")
    func twoFramesOneRead() throws {
        let a = GT06Fixtures.bytes("login-ext-utc")
        let b = GT06Fixtures.bytes("info-7979-door")
        let expected = [try GT06Fixtures.frame("login-ext-utc"), try GT06Fixtures.frame("info-7979-door")]
        #expect(try GT06Fixtures.frames([a + b]) == expected)
        let stream = a + b
        for cut in 1..<stream.count {
            #expect(try GT06Fixtures.frames([Array(stream[..<cut]), Array(stream[cut...])]) == expected)
        }
    }

    @Test("a real frame with a wrong CRC, and a real frame with one flipped bit, throw .badCRC")
    func badCRC() throws {
        #expect(throws: GT06DecodingError.badCRC) {
            try GT06Fixtures.frames([GT06Fixtures.bytes("bad-crc-gps-lbs")])
        }
        var frame = GT06Fixtures.bytes("gps-lbs-kaunas")
        frame[12] ^= 0x04
        #expect(throws: GT06DecodingError.badCRC) { try GT06Fixtures.frames([frame]) }
        // A good frame before the bad one is still delivered first.
        var decoder = GT06FrameDecoder()
        var buffer = ByteBuffer(bytes: GT06Fixtures.bytes("heartbeat-charging") + frame)
        #expect(try decoder.next(&buffer)?.protocolNumber == 0x13)
        #expect(throws: GT06DecodingError.badCRC) { try decoder.next(&buffer) }
    }

    @Test("garbage instead of 7878/7979 throws on the first wrong byte")
    func badStart() {
        #expect(throws: GT06DecodingError.badStartBytes) {
            try GT06Fixtures.frames([Array("GET / HTTP/1.1\r\n".utf8)])
        }
        #expect(throws: GT06DecodingError.badStartBytes) { try GT06Fixtures.frames([[0x78, 0x79]]) }
        #expect(throws: GT06DecodingError.badStartBytes) { try GT06Fixtures.frames([[0x00]]) }
        // Garbage after a good frame.
        #expect(throws: GT06DecodingError.badStartBytes) {
            try GT06Fixtures.frames([GT06Fixtures.bytes("time-request") + [0x0D, 0x0A]])
        }
    }

    @Test("a 7979 length above the limit throws as soon as the 4-byte header is in, before any body arrives")
    func frameTooLarge() {
        #expect(throws: GT06DecodingError.frameTooLarge(length: 0xFFFF, limit: GT06.maxFrameLength)) {
            try GT06Fixtures.frames([[0x79, 0x79, 0xFF, 0xFF]])
        }
        #expect(throws: GT06DecodingError.frameTooLarge(length: 1025, limit: 1024)) {
            try GT06Fixtures.frames([[0x79, 0x79, 0x04, 0x01]])
        }
        // A custom limit: a real 38-byte 7979 frame (length 0x20) is refused by a decoder capped at 31.
        #expect(throws: GT06DecodingError.frameTooLarge(length: 0x20, limit: 31)) {
            try GT06Fixtures.frames([Array(GT06Fixtures.bytes("info-7979-iccid").prefix(4))], decoder: GT06FrameDecoder(maxFrameLength: 31))
        }
        #expect(GT06.maxFrameLength >= 255, "every 7878 frame must fit")
    }

    @Test("a length below 5 (protocol number, serial, CRC) throws .frameTooSmall")
    func frameTooSmall() {
        #expect(throws: GT06DecodingError.frameTooSmall(length: 1)) {
            try GT06Fixtures.frames([GT06Fixtures.bytes("length-below-minimum")])
        }
        #expect(throws: GT06DecodingError.frameTooSmall(length: 0)) { try GT06Fixtures.frames([[0x78, 0x78, 0x00]]) }
    }

    @Test("strict length: clones whose length byte is wrong fail with .badStopBytes instead of being cut at 0D0A")
    func wrongLength() {
        #expect(throws: GT06DecodingError.badStopBytes) {
            try GT06Fixtures.frames([GT06Fixtures.bytes("wrong-length-clone")])
        }
        #expect(throws: GT06DecodingError.badStopBytes) {
            try GT06Fixtures.frames([GT06Fixtures.bytes("wrong-length-gps")])
        }
    }

    @Test("next(_:) returns nil and consumes nothing until the frame is complete, then consumes exactly one frame")
    func consumesOnlyWholeFrames() throws {
        var decoder = GT06FrameDecoder()
        let frame = GT06Fixtures.bytes("alarm-normal")
        let extra = GT06Fixtures.bytes("time-request")
        for count in 0..<frame.count {
            var buffer = ByteBuffer(bytes: frame.prefix(count))
            #expect(try decoder.next(&buffer) == nil)
            #expect(buffer.readableBytes == count)
        }
        var buffer = ByteBuffer(bytes: frame + extra.prefix(3))
        let decoded = try #require(try decoder.next(&buffer))
        #expect(decoded.protocolNumber == 0x16 && decoded.serial == 8 && !decoded.extended)
        #expect(decoded.content.count == 0x25 - 5)
        #expect(buffer.readableBytes == 3)
        #expect(try decoder.next(&buffer) == nil)
    }

    @Test("a frame cut short by connection close emits nothing")
    func incompleteAtClose() throws {
        let frame = GT06Fixtures.bytes("gps-lbs-kaunas")
        #expect(try GT06Fixtures.frames([GT06Fixtures.bytes("login-notes-example"), Array(frame.dropLast(2))]).count == 1)
    }
}
