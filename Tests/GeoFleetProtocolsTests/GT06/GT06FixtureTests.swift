import GeoFleetCore
import GeoFleetProtocols
import Testing

@Suite("GT06 real frames")
struct GT06FixtureTests {
    @Test("the fixture covers every required packet type with at least 15 real frames")
    func coverage() {
        let all = GT06Fixtures.all
        #expect(all.count >= 15)
        let protocols = Set(GT06Fixtures.framed.compactMap { $0.expect.frame?.protocol })
        // Every type Traccar turns into a GPS position by its type alone, with a real frame each (0x95 JC100
        // only behind a CRC Traccar's test does not check: see contentBehindBadCRC).
        for number: UInt8 in [
            0x01, 0x10, 0x11, 0x12, 0x13, 0x16, 0x17, 0x1E, 0x21, 0x22, 0x24, 0x26, 0x27, 0x32, 0x34, 0x36, 0x37, 0x38, 0x61,
            0x70, 0x8A, 0x95, 0xA0, 0xA2, 0xA4,
        ] {
            #expect(protocols.contains(number), "no real frame with protocol number \(number)")
        }
        #expect(all.contains { $0.expect.frame?.extended == true })
        #expect(all.contains { $0.expect.fix?.valid == false })
        #expect(all.contains { ($0.expect.fix?.latitude ?? 0) < 0 && ($0.expect.fix?.longitude ?? 0) < 0 })
        let logins = all.filter { $0.expect.kind == "login" }
        #expect(Set(logins.map { $0.bytes.count }) == [18, 22], "both login lengths")
    }

    @Test("each fixture frames (or fails to frame) exactly as expected", arguments: GT06Fixtures.all.map(\.name))
    func framing(name: String) throws {
        let fixture = GT06Fixtures.fixture(name)
        if let expected = fixture.expect.frameError {
            let error = #expect(throws: GT06DecodingError.self) { try GT06Fixtures.frames([fixture.bytes]) }
            #expect(error.map(gt06ErrorName) == expected)
            return
        }
        let frame = try GT06Fixtures.frame(name)
        let fields = try #require(fixture.expect.frame)
        #expect(frame.protocolNumber == fields.protocol)
        #expect(frame.serial == fields.serial)
        #expect(frame.extended == fields.extended)
        // Content is everything between the protocol number and the serial.
        let header = frame.extended ? 5 : 4
        #expect(frame.content == Array(fixture.bytes[header..<(fixture.bytes.count - 6)]))
    }

    @Test("each framed fixture decodes to exactly the expected message", arguments: GT06Fixtures.framed.map(\.name))
    func message(name: String) throws {
        let expect = GT06Fixtures.fixture(name).expect
        let frame = try GT06Fixtures.frame(name)
        if let expected = expect.decodeError {
            let error = #expect(throws: GT06DecodingError.self) { try GT06.decode(frame) }
            #expect(error.map(gt06ErrorName) == expected)
            return
        }
        let message = try GT06.decode(frame)
        switch message {
        case .login(let imei, let zone):
            #expect(expect.kind == "login")
            #expect(imei == expect.imei)
            #expect(zone == expect.timeZoneOffsetSeconds)
        case .location, .acknowledgedLocation, .alarm:
            try checkPosition(message, expect)
        case .heartbeat(let status):
            #expect(expect.kind == "heartbeat")
            check(status, try #require(expect.status))
        case .timeRequest:
            #expect(expect.kind == "timeRequest")
        case .other(let number):
            #expect(expect.kind == "other")
            #expect(number == frame.protocolNumber)
        }
    }

    @Test(
        "content of Traccar frames refused only for their CRC decodes as expected",
        arguments: GT06Fixtures.all.filter { $0.expect.frameError == "badCRC" }.map(\.name))
    func contentBehindBadCRC(name: String) throws {
        let fixture = GT06Fixtures.fixture(name)
        let expect = fixture.expect
        let fields = try #require(expect.frame)
        let bytes = fixture.bytes
        let header = fields.extended ? 5 : 4
        let frame = GT06Frame(
            protocolNumber: fields.protocol, content: Array(bytes[header..<(bytes.count - 6)]), serial: fields.serial,
            extended: fields.extended)
        let message = try GT06.decode(frame)
        switch message {
        case .location, .acknowledgedLocation, .alarm:
            try checkPosition(message, expect)
        default:
            Issue.record("\(name): unexpected \(message)")
        }
        #expect(GT06.response(to: frame, now: GT06Fixtures.now).map { $0.hexString.uppercased() } == expect.response)
    }

    @Test("each framed fixture gets exactly the expected reply, or none", arguments: GT06Fixtures.framed.map(\.name))
    func response(name: String) throws {
        let expect = GT06Fixtures.fixture(name).expect
        let frame = try GT06Fixtures.frame(name)
        let reply = GT06.response(to: frame, now: GT06Fixtures.now)
        #expect(reply.map { $0.hexString.uppercased() } == expect.response)
        #expect(frame.responseRequired == (expect.response != nil))
        if expect.decodeError == nil {
            #expect(try GT06.decode(frame).responseRequired == frame.responseRequired)
        }
    }

    @Test("the notes' login 78780D01012345678901234500018CDD0D0A -> 123456789012345, reply 787805010001D9DC0D0A")
    func notesLogin() throws {
        let frame = try GT06Fixtures.frame("login-notes-example")
        #expect(try GT06.decode(frame) == .login(imei: "123456789012345", timeZoneOffsetSeconds: nil))
        #expect(GT06.response(protocolNumber: frame.protocolNumber, serial: frame.serial) == [UInt8](hex: "787805010001D9DC0D0A"))
    }

    @Test("Traccar's asserted frame: 2015-10-20 14:21:11Z, valid, 54.94535 N, 24.01762 E (5 satellites: low nibble of 0xC5)")
    func traccarAsserted() throws {
        guard case .location(let fix) = try GT06.decode(try GT06Fixtures.frame("gps-lbs-kaunas")) else {
            Issue.record("not a location")
            return
        }
        #expect(UTCTime.iso8601(milliseconds: fix.fixTime) == "2015-10-20T14:21:11.000Z")
        #expect(fix.valid)
        #expect(abs(fix.latitude - 54.94535) < 1e-5)
        #expect(abs(fix.longitude - 24.01762) < 1e-5)
        #expect(fix.satellites == 5)
    }

    /// A location, acknowledged location or alarm against the fixture's expected kind, fix and status.
    private func checkPosition(_ message: GT06Message, _ expect: GT06Fixture.Expect) throws {
        switch message {
        case .location(let fix):
            #expect(expect.kind == "location")
            check(fix, try #require(expect.fix))
        case .acknowledgedLocation(let fix):
            #expect(expect.kind == "acknowledgedLocation")
            check(fix, try #require(expect.fix))
        case .alarm(let fix, let status, let alarm):
            #expect(expect.kind == "alarm")
            check(fix, try #require(expect.fix))
            check(status, try #require(expect.status))
            #expect(alarm.name == expect.alarm)
        default:
            Issue.record("not a position message: \(message)")
        }
    }

    private func check(_ fix: DeviceFix, _ expected: GT06Fixture.Fix) {
        #expect(UTCTime.iso8601(milliseconds: fix.fixTime) == expected.time)
        #expect(fix.fixTime == expected.fixTime)
        #expect(abs(fix.latitude - expected.latitude) < 1e-6)
        #expect(abs(fix.longitude - expected.longitude) < 1e-6)
        #expect(fix.speedKmh == expected.speedKmh)
        #expect(fix.heading == expected.heading)
        #expect(fix.satellites == expected.satellites)
        #expect(fix.valid == expected.valid)
        #expect(fix.altitude == expected.altitude ?? 0)
        #expect(fix.io.isEmpty)
        // JSON cannot tell 13.0 from 13 (the decoder reads both as an integer): compare whole doubles as integers.
        let actual = gt06Attributes(fix).mapValues { value -> AttributeValue in
            if case .double(let d) = value, d == d.rounded(), abs(d) < 1e15 { return .int(Int64(d)) }
            return value
        }
        #expect(actual == expected.attributes.mapValues(\.attributeValue))
    }

    private func check(_ status: GT06Status, _ expected: GT06Fixture.Status) {
        #expect(status == GT06Status(terminalInfo: expected.terminalInfo, voltageLevel: expected.voltageLevel, gsmSignal: expected.gsmSignal))
    }
}
