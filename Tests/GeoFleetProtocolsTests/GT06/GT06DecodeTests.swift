import GeoFleetCore
import GeoFleetProtocols
import Testing

@Suite("GT06 content decoding")
struct GT06DecodeTests {
    private func frame(_ name: String) throws -> GT06Frame { try GT06Fixtures.frame(name) }

    private func fix(_ message: GT06Message) -> DeviceFix? {
        switch message {
        case .location(let fix), .acknowledgedLocation(let fix), .alarm(let fix, _, _): fix
        default: nil
        }
    }

    @Test("every prefix of every real content either decodes or throws .truncated, never traps", arguments: GT06Fixtures.framed.map(\.name))
    func truncatedPrefixes(name: String) throws {
        let full = try frame(name)
        for count in 0..<full.content.count {
            var cut = full
            cut.content = Array(full.content.prefix(count))
            do {
                _ = try GT06.decode(cut)
            } catch {
                #expect(error == .truncated, "\(name) cut to \(count) bytes")
            }
        }
    }

    @Test("short content of each type throws .truncated")
    func truncated() throws {
        #expect(throws: GT06DecodingError.truncated) { try GT06.decode(try frame("gps-lbs-empty-content")) }
        let cases: [(String, Int)] = [
            ("login-notes-example", 7), // terminal ID
            ("gps-lbs-kaunas", 17), // GPS block
            ("gps-lbs-kaunas", 20), // inside the cell block
            ("gps-lbs2-graz-realtime", 28), // re-upload flag missing
            ("gps-lbs-4g-china-mnc2", 30), // 8-byte cell ID
            ("heartbeat-charging", 2), // GSM level
            ("alarm-vibration", 30), // alarm byte missing
            ("gps-lbs-long-cell-canada", 25), // inside the 4-byte cell ID
            ("fence-alarm-us-mnc2", 33), // geofence byte missing
            ("fence-alarm-4g-mnc2", 30), // inside the 4G cell's 8-byte ID
            ("gps-lbs-modules-odometer", 34), // inside the mileage module
            ("event-jc400-cornering", 21), // inside the 2-byte speed
        ]
        for (name, count) in cases {
            var cut = try frame(name)
            cut.content = Array(cut.content.prefix(count))
            #expect(throws: GT06DecodingError.truncated, "\(name) cut to \(count)") { try GT06.decode(cut) }
        }
    }

    @Test("0x12 without the cell block decodes the GPS block alone")
    func gpsWithoutLBS() throws {
        var cut = try frame("gps-lbs-kaunas")
        cut.content = Array(cut.content.prefix(18))
        let fix = try #require(fix(try GT06.decode(cut)))
        #expect(gt06Attributes(fix) == ["ignition": .bool(false)])
        #expect(fix.valid && abs(fix.latitude - 54.945346667) < 1e-6)
    }

    @Test("0x11 without the cell block decodes the GPS block alone, and is still answered")
    func longCellWithoutLBS() throws {
        var cut = try frame("gps-lbs-long-cell-canada")
        cut.content = Array(cut.content.prefix(18))
        guard case .acknowledgedLocation(let fix) = try GT06.decode(cut) else {
            Issue.record("not an answered location")
            return
        }
        #expect(gt06Attributes(fix).isEmpty)
        #expect(abs(fix.latitude - 43.970484) < 1e-6 && abs(fix.longitude - -79.263956) < 1e-6)
        #expect(GT06.response(to: cut, now: 0) == GT06.response(protocolNumber: 0x11, serial: 6))
    }

    @Test("a 0x37 module claiming more bytes than the frame holds is .truncated; a stub under a header is ignored")
    func moduleLengths() throws {
        let real = try frame("gps-lbs-modules-odometer")
        // The last module (0x003C, 4 bytes) claims 5.
        var long = real
        let last = long.content.count - 5
        #expect(Array(long.content[(last - 2)...last]) == [0x00, 0x3C, 0x04])
        long.content[last] = 0x05
        #expect(throws: GT06DecodingError.truncated) { try GT06.decode(long) }
        // A length of 255 on the first module, far past the end.
        var huge = real
        #expect(Array(huge.content[29...31]) == [0x00, 0x2E, 0x04])
        huge.content[31] = 0xFF
        #expect(throws: GT06DecodingError.truncated) { try GT06.decode(huge) }
        var stub = real
        stub.content += [0x00, 0x2E]
        guard case .acknowledgedLocation(let fix) = try GT06.decode(stub) else {
            Issue.record("not an answered location")
            return
        }
        #expect(gt06Attributes(fix)["odometer"] == .int(9000))
    }

    @Test("the LBS length byte picks the 4G cell layout only when it is exactly that layout's size")
    func alarmCellLayout() throws {
        // 0x27's LBS length 10 is the standard layout with a 2-byte MNC.
        let standard = try frame("fence-alarm-us-mnc2")
        #expect(standard.content[18] == 10)
        // 0xA4 with length 17: 4G layout with a 2-byte MNC. One less, and the standard layout is read
        // (then the rest of the declared block skipped), as for clones that pad the block.
        var padded = try frame("fence-alarm-4g-mnc2")
        #expect(padded.content[18] == 17)
        padded.content[18] = 16
        padded.content.remove(at: 19 + 16 - 1)
        guard case .alarm(let fix, _, _) = try GT06.decode(padded) else {
            Issue.record("not an alarm")
            return
        }
        #expect(gt06Attributes(fix)["lac"] == .int(0))
        #expect(gt06Attributes(fix)["cid"] == .int(0x26_0E00))
    }

    @Test("0x27/0xA4: the language byte's high nibble extends the alarm code (0x107); such codes are \"other\"")
    func extendedAlarmCode() throws {
        var alarm = try frame("fence-alarm-us-mnc2")
        let code = alarm.content.count - 3
        #expect(Array(alarm.content[code...]) == [0x0C, 0x02, 0xFF])
        alarm.content[code] = 0x07
        alarm.content[code + 1] = 0x12
        guard case .alarm(let fix, _, let kind) = try GT06.decode(alarm) else {
            Issue.record("not an alarm")
            return
        }
        #expect(kind == .other(0x07))
        #expect(gt06Attributes(fix)["alarmCode"] == .int(0x107))
        #expect(gt06Attributes(fix)["geofence"] == .int(255))
    }

    @Test("0x95 of a date-time and an event carries no position: not stored, not answered")
    func eventWithoutPosition() throws {
        let bare = try frame("event-jc100-no-position")
        #expect(try GT06.decode(bare) == .other(protocolNumber: 0x95))
        #expect(!bare.responseRequired)
        #expect(GT06.response(to: bare, now: 0) == nil)
    }

    @Test("device local time minus the session's offset is UTC")
    func timeZone() throws {
        let kaunas = try frame("gps-lbs-kaunas")
        let utc = try #require(fix(try GT06.decode(kaunas))).fixTime
        #expect(utc == UTCTime.milliseconds(year: 2015, month: 10, day: 20, hour: 14, minute: 21, second: 11))
        // A device at UTC-4 reports 14:21 local = 18:21 UTC; at UTC+3, 11:21 UTC.
        #expect(try #require(fix(try GT06.decode(kaunas, timeZoneOffsetSeconds: -14_400))).fixTime == utc + 14_400_000)
        #expect(try #require(fix(try GT06.decode(kaunas, timeZoneOffsetSeconds: 10_800))).fixTime == utc - 10_800_000)
        // The login that announces UTC-4 feeds straight into decode.
        guard case .login(_, let zone?) = try GT06.decode(try frame("login-ext-utc-minus4")) else {
            Issue.record("no time zone in the extended login")
            return
        }
        let alarm = try frame("alarm-vibration")
        let local = try #require(fix(try GT06.decode(alarm))).fixTime
        #expect(try #require(fix(try GT06.decode(alarm, timeZoneOffsetSeconds: zone))).fixTime == local + 14_400_000)
    }

    @Test(
        "login time zone word: hhmm in decimal in bits 15-4, bit 3 west",
        arguments: [
            (UInt16(0x3200), 28_800 as Int?), (0x3208, -28_800), (0x2120, 19_800), (0x190A, -14_400), (0x0000, 0),
            (0x04B0, nil), (0x5DC0, nil),
        ])
    func loginTimeZone(word: UInt16, expected: Int?) throws {
        let content: [UInt8] = [0x03, 0x53, 0x41, 0x90, 0x36, 0x06, 0x60, 0x61, 0x10, 0x0F, UInt8(word >> 8), UInt8(word & 0xFF)]
        let message = try GT06.decode(GT06Frame(protocolNumber: 0x01, content: content, serial: 1))
        #expect(message == .login(imei: "353419036066061", timeZoneOffsetSeconds: expected))
    }

    @Test("login with only the type ID has no time zone; bad terminal IDs are refused")
    func loginVariants() throws {
        let id: [UInt8] = [0x03, 0x53, 0x41, 0x90, 0x36, 0x06, 0x60, 0x61]
        #expect(
            try GT06.decode(GT06Frame(protocolNumber: 0x01, content: id + [0x10, 0x0F], serial: 1))
                == .login(imei: "353419036066061", timeZoneOffsetSeconds: nil))
        var hex = id
        hex[3] = 0x9A
        #expect(throws: GT06DecodingError.badTerminalID) { try GT06.decode(GT06Frame(protocolNumber: 0x01, content: hex, serial: 1)) }
        var sixteen = id
        sixteen[0] = 0x13
        #expect(throws: GT06DecodingError.badTerminalID) { try GT06.decode(GT06Frame(protocolNumber: 0x01, content: sixteen, serial: 1)) }
    }

    @Test("impossible dates throw .badDateTime; 29 February only in leap years")
    func dates() throws {
        let base = try frame("gps-lbs-kaunas")
        func with(_ month: UInt8, _ day: UInt8, year: UInt8 = 15, hour: UInt8 = 14) -> GT06Frame {
            var f = base
            f.content[0] = year
            f.content[1] = month
            f.content[2] = day
            f.content[3] = hour
            return f
        }
        for bad in [with(0, 1), with(13, 1), with(4, 31), with(2, 29, year: 23), with(1, 0), with(1, 1, hour: 24)] {
            #expect(throws: GT06DecodingError.badDateTime) { try GT06.decode(bad) }
        }
        let leap = try #require(fix(try GT06.decode(with(2, 29, year: 24))))
        #expect(UTCTime.iso8601(milliseconds: leap.fixTime) == "2024-02-29T14:21:11.000Z")
        let newYearsEve = try #require(fix(try GT06.decode(with(12, 31))))
        #expect(UTCTime.iso8601(milliseconds: newYearsEve.fixTime) == "2015-12-31T14:21:11.000Z")
    }

    @Test("latitude above 90 or longitude above 180 throws .badCoordinates")
    func coordinates() throws {
        var lat = try frame("gps-lbs-kaunas")
        lat.content.replaceSubrange(7..<11, with: [0x0A, 0x00, 0x00, 0x00]) // 93.2°
        #expect(throws: GT06DecodingError.badCoordinates) { try GT06.decode(lat) }
        var lon = try frame("gps-lbs-kaunas")
        lon.content.replaceSubrange(11..<15, with: [0x15, 0x00, 0x00, 0x00]) // 195.7°
        #expect(throws: GT06DecodingError.badCoordinates) { try GT06.decode(lon) }
        // Exactly 180° W is fine.
        lon.content.replaceSubrange(11..<15, with: [0x13, 0x4F, 0xD9, 0x00])
        lon.content[16] |= 0x08
        #expect(try #require(fix(try GT06.decode(lon))).longitude == -180)
    }

    @Test("0x22 with 4 more bytes carries the mileage as \"odometer\" (m)")
    func mileage() throws {
        var graz = try frame("gps-lbs2-graz-realtime")
        graz.content += [0x00, 0x01, 0x86, 0xA0]
        let fix = try #require(fix(try GT06.decode(graz)))
        #expect(gt06Attributes(fix)["odometer"] == .int(100_000))
        #expect(gt06Attributes(fix)["archive"] == nil)
    }

    @Test("an alarm byte of 0 falls back to the status bits' alarm (SOS = bits 100)")
    func statusBitsAlarm() throws {
        var alarm = try frame("alarm-normal")
        #expect(alarm.content[27] == 0x40 && alarm.content[30] == 0x00)
        alarm.content[27] = 0x60
        guard case .alarm(let fix, let status, let kind) = try GT06.decode(alarm) else {
            Issue.record("not an alarm")
            return
        }
        #expect(kind == .sos && status.alarm == .sos)
        #expect(gt06Attributes(fix)["alarm"] == .string("sos"))
        #expect(gt06Attributes(fix)["alarmCode"] == .int(0))
    }

    @Test("alarm codes map to the documented alarms")
    func alarmCodes() {
        let expected: [UInt8: GT06Alarm] = [
            0x00: .none, 0x01: .sos, 0x02: .powerCut, 0x03: .vibration, 0x04: .geofenceEnter, 0x05: .geofenceExit,
            0x06: .overspeed, 0x09: .movement, 0x0E: .lowExternalBattery, 0x19: .lowBattery,
        ]
        for code in UInt8.min...UInt8.max {
            #expect(GT06Alarm(code: code) == expected[code] ?? .other(code))
        }
        #expect(GT06Alarm.other(0x25).name == "other")
        #expect(GT06Alarm.powerCut.name == "powerCut")
    }

    @Test("terminal information bits")
    func status() {
        let cut = GT06Status(terminalInfo: 0xC4, voltageLevel: 6, gsmSignal: 4)
        #expect(cut.cutOff && cut.gpsTracking && cut.charging && !cut.ignition && !cut.armed && cut.alarm == .none)
        #expect(cut.batteryPercent == 100)
        let names = Dictionary(uniqueKeysWithValues: cut.attributes.map { ($0.name, $0.value) })
        #expect(
            names == [
                "status": .int(0xC4), "armed": .bool(false), "ignition": .bool(false), "charge": .bool(true),
                "blocked": .bool(true), "gpsTracking": .bool(true), "batteryLevel": .int(100), "gsm": .int(4),
            ])
        #expect(GT06Status(terminalInfo: 0x03, voltageLevel: 3, gsmSignal: 0).batteryPercent == 50)
        #expect(GT06Status(terminalInfo: 0x18, voltageLevel: 200, gsmSignal: 0).batteryPercent == nil)
        #expect(GT06Status(terminalInfo: 0x18, voltageLevel: 0, gsmSignal: 0).alarm == .lowBattery)
    }

    @Test("responses: 7878 for short content, 7979 once the length passes 255; every one frames back")
    func responses() throws {
        let short = GT06.response(protocolNumber: 0x13, serial: 0x01BA)
        #expect(short.hexString.uppercased() == "7878051301BAFB710D0A")
        let long = GT06.response(protocolNumber: 0x80, serial: 7, content: Array(repeating: 0x41, count: 251))
        #expect(Array(long.prefix(4)) == [0x79, 0x79, 0x01, 0x00])
        let at250 = GT06.response(protocolNumber: 0x80, serial: 7, content: Array(repeating: 0x41, count: 250))
        #expect(Array(at250.prefix(3)) == [0x78, 0x78, 0xFF])
        let frames = try GT06Fixtures.frames([short, long, at250])
        #expect(
            frames == [
                GT06Frame(protocolNumber: 0x13, content: [], serial: 0x01BA),
                GT06Frame(protocolNumber: 0x80, content: Array(repeating: 0x41, count: 251), serial: 7, extended: true),
                GT06Frame(protocolNumber: 0x80, content: Array(repeating: 0x41, count: 250), serial: 7),
            ])
    }

    @Test("time response: YY MM DD hh mm ss in UTC, serial echoed")
    func timeResponse() throws {
        let now = UTCTime.milliseconds(year: 2023, month: 11, day: 14, hour: 22, minute: 13, second: 20, millisecond: 999)
        #expect(GT06.timeResponse(serial: 6, now: now).hexString.uppercased() == "78780B8A170B0E160D140006511C0D0A")
        let request = try frame("time-request")
        #expect(try GT06.decode(request) == .timeRequest)
        #expect(GT06.response(to: request, now: now) == GT06.timeResponse(serial: 6, now: now))
    }

    @Test("no reply for locations and unknown types, even though their content decodes")
    func noReply() throws {
        for name in ["gps-lbs-kaunas", "gps-lbs2-graz-realtime", "gps-only-buenos-aires", "gps-lbs-4g-china-mnc2", "info-7979-door"] {
            let f = try frame(name)
            #expect(!f.responseRequired)
            #expect(try GT06.decode(f).responseRequired == false)
            #expect(GT06.response(to: f, now: 0) == nil)
        }
    }

    @Test("every error has a message")
    func descriptions() {
        let errors: [GT06DecodingError] = [
            .badStartBytes, .frameTooSmall(length: 1), .frameTooLarge(length: 2000, limit: 1024), .badStopBytes, .badCRC,
            .truncated, .badTerminalID, .badDateTime, .badCoordinates,
        ]
        for error in errors {
            #expect(error.description.hasPrefix("GT06: "))
        }
        #expect(GT06DecodingError.frameTooLarge(length: 2000, limit: 1024).description.contains("2000"))
    }
}
