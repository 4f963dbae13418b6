import GeoFleetCore
import GeoFleetProtocols
import Testing

@Suite("Ruptela messages and replies")
struct RuptelaMessageTests {
    @Test("every framed real packet decodes to the fixture's message kind and reply", arguments: RuptelaFixtures.framed.map(\.name))
    func kindAndReply(name: String) throws {
        let fixture = RuptelaFixtures.named(name)
        let frames = try RuptelaFixtures.decodeFrames([fixture.bytes])
        #expect(frames == [fixture.frame])
        #expect(frames.first?.imei.count == 15)
        let message = try Ruptela.decode(try #require(frames.first))
        let kind: String
        switch message {
        case .records: kind = "records"
        case .identification: kind = "identification"
        case .heartbeat: kind = "heartbeat"
        case .troubleCodes: kind = "troubleCodes"
        case .other(let command):
            kind = "other"
            #expect(command == fixture.expect.command)
        }
        #expect(kind == fixture.expect.message)
        #expect(message.reply?.hexString == fixture.expect.reply)
    }

    @Test("identification (command 15): accepted at once with 00 02 73 01 CB 25")
    func identification() throws {
        let message = try RuptelaFixtures.message("traccar-ident-eco4")
        guard case .identification(let identification) = message else { Issue.record("\(message)"); return }
        #expect(identification.payload.hexString == RuptelaFixtures.named("traccar-ident-eco4").expect.payloadHex)
        #expect(message.reply == [0x00, 0x02, 0x73, 0x01, 0xCB, 0x25])
        // Best-effort fields: 15 ASCII characters, then IMSI u64 and operator u32.
        #expect(identification.versionText == "Es0400.03.68.04")
        #expect(identification.imsi == "214074206785173") // 0000C2B3090D0E95
        #expect(identification.gsmOperator == 33403) // 0000827B

        guard case .identification(let plug) = try RuptelaFixtures.message("traccar-ident-plug4") else {
            Issue.record("not identification"); return
        }
        #expect(plug.versionText == "OBD100.01.08.00")
        #expect(plug.imsi == "214074300792387")
        #expect(plug.gsmOperator == 24603)
        #expect(RuptelaIdentification(payload: [0x01, 0x02]).versionText == nil)
        #expect(RuptelaIdentification(payload: [0x01, 0x02]).imsi == nil)
        #expect(RuptelaIdentification(payload: []).gsmOperator == nil)
    }

    @Test("heartbeat (command 16, no real frame found: built with encodeFrame) is answered with 00 02 74 01 86 2D")
    func heartbeat() throws {
        let bytes = Ruptela.encodeFrame(RuptelaFrame(imei: "863071016796572", command: 16, payload: []))
        #expect(bytes.count == 2 + 9 + 2 && bytes.prefix(2) == [0x00, 0x09])
        let frames = try RuptelaFixtures.decodeFrames([bytes])
        #expect(frames == [RuptelaFrame(imei: "863071016796572", command: 16, payload: [])])
        let message = try Ruptela.decode(frames[0])
        #expect(message == .heartbeat)
        #expect(message.reply == [0x00, 0x02, 0x74, 0x01, 0x86, 0x2D])
    }

    /// The only trouble-code frame is one whose length field was edited (000B for 48 bytes): its payload is
    /// decoded directly. 02 | FF 4E9CAF2C 07D608F1 1A1480BA 01 "P0010" | FF 4E9CAF2C 07D608F1 1A1480BA 02 "P0011"
    @Test("trouble codes (command 9) decode and are answered with 00 02 6D 01 C4 A4")
    func troubleCodes() throws {
        let fixture = RuptelaFixtures.named("traccar-dtc-badlength")
        let message = try Ruptela.decode(fixture.frame)
        guard case .troubleCodes(let codes) = message else { Issue.record("\(message)"); return }
        let expected = try #require(fixture.expect.codes)
        #expect(
            codes
                == expected.map {
                    RuptelaTroubleCode(time: $0.time, latitude: $0.latitude, longitude: $0.longitude, archived: $0.archived, code: $0.code)
                })
        #expect(codes.map(\.code) == ["P0010", "P0011"])
        #expect(codes.map(\.archived) == [false, true])
        #expect(codes.first?.time == 1_318_891_308_000) // 4E 9C AF 2C = 2011-10-17T22:41:48Z
        #expect(codes.first?.latitude == 43.755129 && codes.first?.longitude == 13.1467505)
        #expect(message.reply == [0x00, 0x02, 0x6D, 0x01, 0xC4, 0xA4])
    }

    @Test("command responses and file chunks are `.other`, need no reply and are not fatal")
    func other() throws {
        #expect(try RuptelaFixtures.message("traccar-sms-response") == .other(command: 7))
        #expect(try RuptelaFixtures.message("traccar-files-photo") == .other(command: 37))
        #expect(RuptelaMessage.other(command: 7).reply == nil)
        // Records are acknowledged by the session after they are durable, never at once.
        #expect(RuptelaMessage.records([], recordsLeft: 0).reply == nil)
    }

    @Test("encodeFrame reproduces every framed real packet byte for byte", arguments: RuptelaFixtures.framed.map(\.name))
    func roundTrip(name: String) {
        let fixture = RuptelaFixtures.named(name)
        #expect(Ruptela.encodeFrame(fixture.frame) == fixture.bytes)
    }
}
