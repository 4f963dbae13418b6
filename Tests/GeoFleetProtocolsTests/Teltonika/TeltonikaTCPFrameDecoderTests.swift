import GeoFleetProtocols
import NIOCore
import NIOEmbedded
import Testing

@Suite("TCP frame decoder")
struct TeltonikaTCPFrameDecoderTests {
    @Test("IMEI handshake 000F333536333037303432343431303133 -> 356307042441013")
    func imeiHandshake() throws {
        #expect(try TeltonikaFrames.decode([TeltonikaFrames.imei]) == [.imei("356307042441013")])
    }

    @Test("IMEI packet with a bad length or non-digits is rejected")
    func badIMEI() {
        #expect(throws: TeltonikaDecodingError.badIMEILength(14)) {
            try TeltonikaFrames.decode([[0x00, 0x0E] + Array("35630704244101".utf8)])
        }
        #expect(throws: TeltonikaDecodingError.badIMEILength(0)) {
            // An AVL frame with no handshake: its preamble reads as IMEI length 0.
            try TeltonikaFrames.decode([TeltonikaFrames.bytes("wiki-codec8-1")])
        }
        #expect(throws: TeltonikaDecodingError.badIMEICharacters) {
            try TeltonikaFrames.decode([[0x00, 0x0F] + Array("35630704244101X".utf8)])
        }
    }

    @Test("17-digit IMEI field is accepted")
    func longIMEI() throws {
        #expect(try TeltonikaFrames.decode([[0x00, 0x11] + Array("35630704244101300".utf8)]) == [.imei("35630704244101300")])
    }

    @Test("frame with a wrong CRC -> .corruptPacket, and the connection keeps decoding")
    func badCRC() throws {
        let messages = try TeltonikaFrames.decode([
            TeltonikaFrames.imei,
            TeltonikaFrames.bytes("traccar-codec16-badcrc"), // CRC field 0x09A5, data gives 0xA6DE
            TeltonikaFrames.bytes("traccar-codec8-badcrc"),
            TeltonikaFrames.bytes("wiki-codec8-1"),
        ])
        #expect(messages.count == 4)
        #expect(messages[1] == .corruptPacket(recordCount: 2))
        #expect(messages[2] == .corruptPacket(recordCount: 1))
        #expect(messages[3] == .packet(try TeltonikaFrames.packet("wiki-codec8-1")))
    }

    @Test("a single flipped bit in a real frame -> .corruptPacket")
    func flippedBit() throws {
        var frame = TeltonikaFrames.bytes("traccar-codec8-vienna")
        frame[30] ^= 0x01
        #expect(try TeltonikaFrames.decode([TeltonikaFrames.imei, frame]).last == .corruptPacket(recordCount: 1))
    }

    @Test("IMEI and frames fed one byte per read decode to the same messages")
    func oneByteAtATime() throws {
        let names = ["wiki-codec8-1", "wiki-codec8e", "wiki-codec16", "traccar-codec8-14records", "traccar-codec8e-vin-dtc"]
        let stream = TeltonikaFrames.imei + names.flatMap { TeltonikaFrames.bytes($0) }
        let whole = try TeltonikaFrames.decode([stream])
        let trickled = try TeltonikaFrames.decode(stream.map { [$0] })
        #expect(whole.count == 1 + names.count)
        #expect(trickled == whole)
        for (message, name) in zip(trickled.dropFirst(), names) {
            #expect(message == .packet(try TeltonikaFrames.packet(name)))
        }
    }

    @Test("two frames in one read yield two packets; chunk boundaries anywhere do not matter")
    func twoFramesOneRead() throws {
        let a = TeltonikaFrames.bytes("wiki-codec8-3")
        let b = TeltonikaFrames.bytes("traccar-codec8e-ble")
        let messages = try TeltonikaFrames.decode([TeltonikaFrames.imei, a + b])
        #expect(
            messages == [
                .imei("356307042441013"),
                .packet(try TeltonikaFrames.packet("wiki-codec8-3")),
                .packet(try TeltonikaFrames.packet("traccar-codec8e-ble")),
            ])
        // The IMEI glued to the first frame, the second frame split mid-header.
        let stream = TeltonikaFrames.imei + a + b
        for cut in [5, 17 + 3, 17 + a.count + 6, stream.count - 1] {
            #expect(try TeltonikaFrames.decode([Array(stream[..<cut]), Array(stream[cut...])]) == messages)
        }
    }

    @Test("0xFF keep-alive between frames -> .ping")
    func ping() throws {
        let messages = try TeltonikaFrames.decode([
            TeltonikaFrames.imei + [0xFF], TeltonikaFrames.bytes("wiki-codec8-2") + [0xFF, 0xFF],
        ])
        #expect(messages.count == 5)
        #expect(messages[1] == .ping)
        #expect(messages[3] == .ping && messages[4] == .ping)
    }

    @Test("GPRS command frames (Codec 12/13) are consumed silently, even with a bad CRC")
    func commandFramesSkipped() throws {
        let messages = try TeltonikaFrames.decode([
            TeltonikaFrames.imei,
            TeltonikaFrames.bytes("wiki-codec12-getinfo"),
            TeltonikaFrames.bytes("traccar-codec13-badcrc"),
            TeltonikaFrames.bytes("wiki-codec8-2"),
        ])
        #expect(messages == [.imei("356307042441013"), .packet(try TeltonikaFrames.packet("wiki-codec8-2"))])
    }

    @Test("a length field above the limit throws as soon as the 8-byte header is in, before any body arrives")
    func frameTooLarge() {
        let header: [UInt8] = [0, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0xFF]
        #expect(throws: TeltonikaDecodingError.frameTooLarge(length: 0x7FFF_FFFF, limit: Teltonika.maxFrameLength)) {
            try TeltonikaFrames.decode([TeltonikaFrames.imei, header])
        }
        // A custom limit: a real 1025-byte frame is refused by a decoder capped at 1024.
        #expect(throws: TeltonikaDecodingError.frameTooLarge(length: 1025, limit: 1024)) {
            try TeltonikaFrames.decode(
                [TeltonikaFrames.imei, Array(TeltonikaFrames.bytes("traccar-codec8-14records").prefix(8))],
                decoder: TeltonikaTCPFrameDecoder(maxFrameLength: 1024))
        }
    }

    @Test("garbage instead of a preamble throws on the first non-zero byte")
    func garbagePreamble() {
        #expect(throws: TeltonikaDecodingError.badPreamble) {
            try TeltonikaFrames.decode([TeltonikaFrames.imei, Array("GET / HTTP/1.1\r\n".utf8)])
        }
        #expect(throws: TeltonikaDecodingError.badPreamble) {
            try TeltonikaFrames.decode([TeltonikaFrames.imei, [0x00, 0x00, 0x01]])
        }
    }

    @Test("data field length 0 (Traccar's invalid frame) is rejected")
    func zeroLength() {
        #expect(throws: TeltonikaDecodingError.frameTooSmall(length: 0)) {
            try TeltonikaFrames.decode([TeltonikaFrames.imei, TeltonikaFrames.bytes("traccar-codec8-zero-length")])
        }
    }

    @Test("unknown codec with a valid CRC is rejected (Codec 7 / GH3000 is not supported)")
    func unsupportedCodec() {
        var data = TeltonikaFrames.avlData("wiki-codec8-2")
        data[0] = 0x07
        #expect(throws: TeltonikaDecodingError.unsupportedCodec(0x07)) {
            try TeltonikaFrames.decode([TeltonikaFrames.imei, tcpFrame(data)])
        }
    }

    @Test("bytes between Number of Data 2 and the declared end of the data field are rejected")
    func trailingBytes() {
        let data = TeltonikaFrames.avlData("wiki-codec8-2") + [0x00]
        #expect(throws: TeltonikaDecodingError.trailingBytes(1)) {
            try TeltonikaFrames.decode([TeltonikaFrames.imei, tcpFrame(data)])
        }
    }

    @Test("a frame cut short by connection close emits nothing")
    func incompleteAtClose() throws {
        let frame = TeltonikaFrames.bytes("wiki-codec16")
        #expect(try TeltonikaFrames.decode([TeltonikaFrames.imei, Array(frame.dropLast(3))]) == [.imei("356307042441013")])
    }
}

/// Wraps AVL data in preamble, length and a correct CRC, to test content checks that sit behind the CRC.
func tcpFrame(_ data: [UInt8]) -> [UInt8] {
    let length = UInt32(data.count)
    let crc = Teltonika.crc16IBM(data)
    return [0, 0, 0, 0, UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
        + data + [0, 0, UInt8(crc >> 8), UInt8(crc & 0xFF)]
}
