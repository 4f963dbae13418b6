import GeoFleetCore

extension GT06 {
    /// Interprets a frame's information content.
    ///
    /// `timeZoneOffsetSeconds` is the device's zone (seconds east of UTC, from its login or configuration):
    /// devices send local time, so UTC = device time − offset. Every read is bounds-checked; short content
    /// throws `.truncated`. Bytes after the fields a type defines are ignored (vendors append extras).
    /// A date that is not a calendar date throws `.badDateTime`, a latitude above 90 or longitude above 180
    /// `.badCoordinates`: such content is garbage or a variant we do not know, and no fix beats a fix at an
    /// impossible place or time. `valid` is only the device's own GPS-fixed bit. Times from the 0x70 GPS
    /// module (epoch seconds) and the 0x21 text are UTC already and ignore the offset.
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
                fix.attributes.upsert(try readLBS(&reader, layout: .standard))
            }
            return .location(fix)
        case ProtocolNumber.gpsLBSLongCell:
            var fix = try readGPS(&reader, timeZoneOffsetSeconds: offset)
            // As with 0x12, the cell block may be missing.
            if reader.remaining > 0 {
                fix.attributes.upsert(try readLBS(&reader, layout: .longCell))
            }
            return .acknowledgedLocation(fix)
        case ProtocolNumber.gpsCellList:
            // The JI09's list of neighbour cells after the GPS block carries nothing a fix keeps.
            return .acknowledgedLocation(try readGPS(&reader, timeZoneOffsetSeconds: offset))
        case ProtocolNumber.gpsLBS2, ProtocolNumber.gpsLBS4G:
            var fix = try readGPS(&reader, timeZoneOffsetSeconds: offset)
            fix.attributes.upsert(try readLBS(&reader, layout: frame.protocolNumber == ProtocolNumber.gpsLBS4G ? .wide : .standard))
            fix.attributes.upsert(try readUploadInfo(&reader))
            return .location(fix)
        case ProtocolNumber.gpsLBSModules:
            var fix = try readGPS(&reader, timeZoneOffsetSeconds: offset)
            fix.attributes.upsert(try readLBS(&reader, layout: .standard))
            fix.attributes.upsert(try readUploadInfo(&reader, mileage: false))
            fix.attributes.upsert(try readModules(&reader))
            return .acknowledgedLocation(fix)
        case ProtocolNumber.heartbeat:
            return .heartbeat(try readStatus(&reader))
        case ProtocolNumber.alarm, ProtocolNumber.multiFenceAlarm:
            return try decodeAlarm(&reader, timeZoneOffsetSeconds: offset, fenceTail: false)
        case ProtocolNumber.fenceAlarm, ProtocolNumber.fenceAlarm4G:
            return try decodeAlarm(&reader, timeZoneOffsetSeconds: offset, fenceTail: true)
        case ProtocolNumber.event:
            return try decodeEvent(&reader, timeZoneOffsetSeconds: offset)
        case ProtocolNumber.gpsLBSRFID where frame.content.count == VariantLength.rfid:
            return try decodeRFID(&reader, timeZoneOffsetSeconds: offset)
        case ProtocolNumber.sr411 where frame.content.count == VariantLength.sr411:
            return try decodeSR411(&reader, timeZoneOffsetSeconds: offset)
        case ProtocolNumber.trx16i where frame.content.count == VariantLength.trx16i:
            return try decodeTRX16i(&reader, timeZoneOffsetSeconds: offset)
        case ProtocolNumber.lw4g where frame.content.count == VariantLength.lw4g:
            return try decodeLW4G(&reader, timeZoneOffsetSeconds: offset)
        case ProtocolNumber.x1GPS where frame.content.count != VariantLength.sl4xCells:
            return try decodeX1(&reader, timeZoneOffsetSeconds: offset)
        case ProtocolNumber.iButton:
            return try decodeIButton(&reader, timeZoneOffsetSeconds: offset)
        case ProtocolNumber.gpsLBS8:
            return try decodeGPSLBS8(&reader, timeZoneOffsetSeconds: offset)
        case ProtocolNumber.az735GPS where frame.extended, ProtocolNumber.az735Alarm where frame.extended:
            return try decodeAZ735(&reader, content: frame.content, protocolNumber: frame.protocolNumber, timeZoneOffsetSeconds: offset)
        case ProtocolNumber.modular:
            return try decodeModular(&reader)
        case ProtocolNumber.text:
            return try decodeText(&reader)
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
            try reader.skip(2) // type identification code
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

    /// 0x16/0x26/0x27/0xA4: GPS block, LBS length + LBS, status, alarm byte; with `fenceTail` (0x27,
    /// 0xA4) a language byte whose high nibble extends the alarm code, then the geofence number.
    ///
    /// The fix carries the cell, the status attributes, "alarmCode" (the raw code) and "alarm": the alarm
    /// code's alarm or, when that is `.none`, the status bits' alarm. The message's `alarm` is the same.
    static func decodeAlarm(
        _ reader: inout GT06ContentReader, timeZoneOffsetSeconds: Int, fenceTail: Bool
    ) throws(GT06DecodingError) -> GT06Message {
        var fix = try readGPS(&reader, timeZoneOffsetSeconds: timeZoneOffsetSeconds)
        // The length byte counts itself (9 for MCC 2 + MNC 1 + LAC 2 + CID 3). Clones send 8 or 0 for the
        // same 9 bytes, so the fields are read by their sizes and the byte only ever extends the block, or
        // picks the 4G layout when it is exactly that layout's size (0xA4 from 4G devices).
        let declared = Int(try reader.u8())
        let lbsStart = reader.offset - 1
        let wide = 1 + GT06CellLayout.wide.size(mccField: UInt16(try reader.peek(2)))
        fix.attributes.upsert(try readLBS(&reader, layout: declared == wide ? .wide : .standard))
        let consumed = reader.offset - lbsStart
        if declared > consumed {
            try reader.skip(declared - consumed)
        }
        let status = try readStatus(&reader)
        let code = try reader.u8()
        var fullCode = Int(code)
        var tail: [DeviceAttribute] = []
        if fenceTail {
            fullCode |= Int(try reader.u8() >> 4) << 8
            tail.append(DeviceAttribute("geofence", .int(Int64(try reader.u8()))))
        }
        // Codes above a byte (language high nibble set) are vendor extensions: "other", with the full code.
        var alarm = fullCode > 0xFF ? .other(code) : GT06Alarm(code: code)
        if alarm == .none {
            alarm = status.alarm
        }
        fix.attributes.upsert(status.attributes.filter { $0.name != "alarm" })
        fix.attributes.upsert([DeviceAttribute("alarmCode", .int(Int64(fullCode)))])
        fix.attributes.upsert(tail)
        if alarm != .none {
            fix.attributes.upsert([DeviceAttribute("alarm", .string(alarm.name))])
        }
        return .alarm(fix, status, alarm: alarm)
    }

    /// 0x37 modules after the upload tail: type 2, length 1, value. Keeps 0x002E mileage ("odometer", m)
    /// and 0x0027 external voltage ("power", V); a module longer than what is left is `.truncated`, a
    /// stub shorter than a module header is ignored like any trailing vendor bytes.
    static func readModules(_ reader: inout GT06ContentReader) throws(GT06DecodingError) -> [DeviceAttribute] {
        var out: [DeviceAttribute] = []
        while reader.remaining >= 3 {
            let type = try reader.u16()
            let length = Int(try reader.u8())
            let value = try reader.bytes(length)
            switch (type, length) {
            case (0x002E, 4):
                out.append(DeviceAttribute("odometer", .int(Int64(value.reduce(0) { $0 << 8 | UInt64($1) }))))
            case (0x0027, 2):
                out.append(DeviceAttribute("power", .double(Double(value.reduce(0) { $0 << 8 | UInt64($1) }) / 100)))
            default:
                break
            }
        }
        return out
    }
}

extension [DeviceAttribute] {
    /// Adds `other`, replacing attributes of the same name (a later, more specific source wins).
    mutating func upsert(_ other: [DeviceAttribute]) {
        for attribute in other {
            if let index = firstIndex(where: { $0.name == attribute.name }) {
                self[index] = attribute
            } else {
                append(attribute)
            }
        }
    }
}
