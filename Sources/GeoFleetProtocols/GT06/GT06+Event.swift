import GeoFleetCore

extension GT06 {
    /// 0x95, the JC100/JC400 dash cameras' event: a position when the content is longer than a bare
    /// date-time (7 bytes or fewer is date-time + event with no position: `.other`, as unknown types).
    ///
    /// JC100: GPS block without satellites and speed, event 1, event data 2, then file names (not kept).
    /// JC400 (content starts FFFF): marker 2, version 1, GPS block with satellites and a 2-byte speed after
    /// the course/status word, external voltage 2 (0.1 V), event 1, event data 2, file names.
    /// Attributes "event" (the code), "power" (JC400, V) and "alarm" for the events Traccar names.
    static func decodeEvent(_ reader: inout GT06ContentReader, timeZoneOffsetSeconds: Int) throws(GT06DecodingError) -> GT06Message {
        var jc400 = false
        if reader.remaining >= 2 {
            jc400 = try reader.peek(2) == 0xFFFF
        }
        guard jc400 || reader.remaining > 7 else { return .other(protocolNumber: ProtocolNumber.event) }
        if jc400 {
            try reader.skip(3) // marker, version
        }
        var fix = try readGPS(&reader, timeZoneOffsetSeconds: timeZoneOffsetSeconds, layout: jc400 ? .flagsThenWideSpeed : .bare)
        if jc400 {
            fix.attributes.upsert([DeviceAttribute("power", .double(Double(try reader.u16()) / 10))])
        }
        let event = try reader.u8()
        try reader.skip(2) // event data
        fix.attributes.upsert([DeviceAttribute("event", .int(Int64(event)))])
        if let alarm = eventAlarm(event) {
            fix.attributes.upsert([DeviceAttribute("alarm", .string(alarm))])
        }
        return .acknowledgedLocation(fix)
    }

    /// The alarm an 0x95 event code reports, by Traccar's reading of it; nil for plain events.
    static func eventAlarm(_ code: UInt8) -> String? {
        switch code {
        case 0x01: "sos"
        case 0x0E: "lowPower"
        case 0x76: "temperature"
        case 0x80: "vibration"
        case 0x87: "overspeed"
        case 0x88: "powerCut"
        case 0x90: "hardAcceleration"
        case 0x91: "hardBraking"
        case 0x92: "hardCornering"
        case 0x93: "accident"
        default: nil
        }
    }
}
