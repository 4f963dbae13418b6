import GeoFleetCore

extension GT06 {
    /// Interprets a frame's information content.
    ///
    /// `timeZoneOffsetSeconds` is the device's zone (seconds east of UTC, from its login or configuration):
    /// devices send local time, so UTC = device time − offset. Every read is bounds-checked; short content
    /// throws `.truncated`. Bytes after the fields a type defines are ignored (vendors append extras).
    /// A date that is not a calendar date throws `.badDateTime`, a latitude above 90 or longitude above 180
    /// `.badCoordinates`: such content is garbage or a variant we do not know, and no fix beats a fix at an
    /// impossible place or time. `valid` is only the device's own GPS-fixed bit.
    public static func decode(_ frame: GT06Frame, timeZoneOffsetSeconds: Int = 0) throws(GT06DecodingError) -> GT06Message {
        var reader = GT06ContentReader(frame.content)
        let offset = timeZoneOffsetSeconds
        switch frame.protocolNumber {
        case ProtocolNumber.login:
            return try decodeLogin(&reader)
        case ProtocolNumber.gps:
            return .location(try readGPS(&reader, timeZoneOffsetSeconds: offset))
        case ProtocolNumber.gpsLBS:
            var fix = try readGPS(&reader, timeZoneOffsetSeconds: offset)
            // Some firmwares send 0x12 without the cell block.
            if reader.remaining > 0 {
                fix.attributes.upsert(try readLBS(&reader, wide: false))
            }
            return .location(fix)
        case ProtocolNumber.gpsLBS2, ProtocolNumber.gpsLBS4G:
            var fix = try readGPS(&reader, timeZoneOffsetSeconds: offset)
            fix.attributes.upsert(try readLBS(&reader, wide: frame.protocolNumber == ProtocolNumber.gpsLBS4G))
            fix.attributes.upsert(try readUploadInfo(&reader))
            return .location(fix)
        case ProtocolNumber.heartbeat:
            return .heartbeat(try readStatus(&reader))
        case ProtocolNumber.alarm, ProtocolNumber.multiFenceAlarm:
            return try decodeAlarm(&reader, timeZoneOffsetSeconds: offset)
        case ProtocolNumber.timeRequest:
            return .timeRequest
        default:
            return .other(protocolNumber: frame.protocolNumber)
        }
    }

    /// 0x01: terminal ID 8 bytes BCD ("0" + IMEI), then optionally type ID 2 B and time zone/language 2 B.
    static func decodeLogin(_ reader: inout GT06ContentReader) throws(GT06DecodingError) -> GT06Message {
        let id = try reader.bytes(8)
        var digits: [UInt8] = []
        digits.reserveCapacity(16)
        for byte in id {
            for nibble in [byte >> 4, byte & 0x0F] {
                guard nibble <= 9 else { throw .badTerminalID }
                digits.append(UInt8(ascii: "0") + nibble)
            }
        }
        // A 15-digit IMEI padded with a leading zero; anything else is not an IMEI we could look up.
        guard digits[0] == UInt8(ascii: "0") else { throw .badTerminalID }
        let imei = String(decoding: digits.dropFirst(), as: UTF8.self)
        var zone: Int?
        if reader.remaining >= 4 {
            try reader.skip(2)  // type identification code
            zone = timeZoneOffset(try reader.u16())
        }
        return .login(imei: imei, timeZoneOffsetSeconds: zone)
    }

    /// The login's time zone/language word: bits 15–4 the zone as hhmm in decimal (e.g. 800 = 8:00, sent
    /// as 0x3200), bit 3 set = west of UTC. Seconds east of UTC, or nil when the value is not a zone
    /// (minutes ≥ 60 or more than 14 hours).
    static func timeZoneOffset(_ word: UInt16) -> Int? {
        let value = Int(word >> 4)
        let hours = value / 100
        let minutes = value % 100
        guard minutes < 60, hours <= 14 else { return nil }
        let seconds = (hours * 60 + minutes) * 60
        return word & 0x08 != 0 ? -seconds : seconds
    }

    /// 0x13 heartbeat body, or the tail of an alarm: terminal info, voltage level, GSM level.
    /// The alarm/language bytes that follow in a heartbeat carry nothing the status bits do not.
    static func readStatus(_ reader: inout GT06ContentReader) throws(GT06DecodingError) -> GT06Status {
        let info = try reader.u8()
        let voltage = try reader.u8()
        let gsm = try reader.u8()
        return GT06Status(terminalInfo: info, voltageLevel: voltage, gsmSignal: gsm)
    }

    /// 0x16/0x26: GPS block, LBS length + LBS, status, alarm byte (a language byte may follow).
    ///
    /// The fix carries the cell, the status attributes, "alarmCode" (the raw byte) and "alarm": the alarm
    /// byte's alarm or, when that is `.none`, the status bits' alarm. The message's `alarm` is the same.
    static func decodeAlarm(_ reader: inout GT06ContentReader, timeZoneOffsetSeconds: Int) throws(GT06DecodingError) -> GT06Message {
        var fix = try readGPS(&reader, timeZoneOffsetSeconds: timeZoneOffsetSeconds)
        // The length byte counts itself (9 for MCC 2 + MNC 1 + LAC 2 + CID 3). Clones send 8 or 0 for the
        // same 9 bytes, so the fields are read by their sizes and the byte only ever extends the block.
        let declared = Int(try reader.u8())
        let lbsStart = reader.offset - 1
        fix.attributes.upsert(try readLBS(&reader, wide: false))
        let consumed = reader.offset - lbsStart
        if declared > consumed {
            try reader.skip(declared - consumed)
        }
        let status = try readStatus(&reader)
        let code = try reader.u8()
        var alarm = GT06Alarm(code: code)
        if alarm == .none {
            alarm = status.alarm
        }
        fix.attributes.upsert(status.attributes.filter { $0.name != "alarm" })
        fix.attributes.upsert([DeviceAttribute("alarmCode", .int(Int64(code)))])
        if alarm != .none {
            fix.attributes.upsert([DeviceAttribute("alarm", .string(alarm.name))])
        }
        return .alarm(fix, status, alarm: alarm)
    }
}

extension [DeviceAttribute] {
    /// Adds `other`, replacing attributes of the same name (a later, more specific source wins).
    fileprivate mutating func upsert(_ other: [DeviceAttribute]) {
        for attribute in other {
            if let index = firstIndex(where: { $0.name == attribute.name }) {
                self[index] = attribute
            } else {
                append(attribute)
            }
        }
    }
}
