import GeoFleetCore

extension GT06 {
    /// Content lengths at which Traccar reads a shared protocol number as one model's position; at other
    /// lengths the number means something else (Wi-Fi or cell lists, status), which we do not store.
    enum VariantLength {
        /// 0x17 of length 0x28: GPS, cell and RFID (otherwise a Wi-Fi list).
        static let rfid = 35
        /// 0x24 of length 0x2E: the SR411 mini's position (otherwise a cell list).
        static let sr411 = 41
        /// 0x36 of length 0x35: the TRX16i's position (otherwise a status or photo packet).
        static let trx16i = 48
        /// 0xA2 of length 0x40: the LW4G's position (otherwise a Wi-Fi list).
        static let lw4g = 59
        /// 0x34 of length 0x37: the SL4X's cell list, not the X1's position.
        static let sl4xCells = 50
    }

    /// 0x17 (RFID models): GPS, cell, RFID 8, validity 1.
    static func decodeRFID(_ reader: inout GT06ContentReader, timeZoneOffsetSeconds: Int) throws(GT06DecodingError) -> GT06Message {
        var fix = try readGPS(&reader, timeZoneOffsetSeconds: timeZoneOffsetSeconds)
        fix.attributes.upsert(try readLBS(&reader, layout: .standard))
        fix.attributes.upsert(try readDriverTag(&reader))
        try reader.skip(1) // validity
        return .acknowledgedLocation(fix)
    }

    /// 0x61 (iButton): IMEI 8, GPS, cell with a 4-byte ID, iButton 6 ("driverUniqueId" in decimal, as Traccar).
    static func decodeIButton(_ reader: inout GT06ContentReader, timeZoneOffsetSeconds: Int) throws(GT06DecodingError) -> GT06Message {
        try reader.skip(8) // the IMEI again
        var fix = try readGPS(&reader, timeZoneOffsetSeconds: timeZoneOffsetSeconds)
        fix.attributes.upsert(try readLBS(&reader, layout: .fourByteCellID))
        fix.attributes.upsert([DeviceAttribute("driverUniqueId", .string(String(try reader.read(6))))])
        return .acknowledgedLocation(fix)
    }

    /// 0x24 (SR411 mini): GPS, cell, ACC 1, external voltage 2 and battery voltage 2 (0.01 V).
    static func decodeSR411(_ reader: inout GT06ContentReader, timeZoneOffsetSeconds: Int) throws(GT06DecodingError) -> GT06Message {
        var fix = try readGPS(&reader, timeZoneOffsetSeconds: timeZoneOffsetSeconds)
        fix.attributes.upsert(try readLBS(&reader, layout: .standard))
        fix.attributes.upsert([
            DeviceAttribute("ignition", .bool(try reader.u8() != 0)),
            DeviceAttribute("power", .double(Double(try reader.u16()) / 100)),
            DeviceAttribute("battery", .double(Double(try reader.u16()) / 100)),
        ])
        return .acknowledgedLocation(fix)
    }

    /// 0x36 (TRX16i): GPS, cell with a 4-byte ID, upload tail, mileage 4, external voltage 2 (0.01 V),
    /// battery 1 (0.1 V), working hours 3 (not kept), RFID 8.
    static func decodeTRX16i(_ reader: inout GT06ContentReader, timeZoneOffsetSeconds: Int) throws(GT06DecodingError) -> GT06Message {
        var fix = try readGPS(&reader, timeZoneOffsetSeconds: timeZoneOffsetSeconds)
        fix.attributes.upsert(try readLBS(&reader, layout: .fourByteCellID))
        fix.attributes.upsert(try readUploadInfo(&reader, mileage: false))
        fix.attributes.upsert([
            DeviceAttribute("odometer", .int(Int64(try reader.u32()))),
            DeviceAttribute("power", .double(Double(try reader.u16()) / 100)),
            DeviceAttribute("battery", .double(Double(try reader.u8()) / 10)),
        ])
        try reader.skip(3) // working hours
        fix.attributes.upsert(try readDriverTag(&reader))
        return .acknowledgedLocation(fix)
    }

    /// 0xA2 (LW4G): GPS, 4G cell, network indicator 1, terminal info 1, external voltage 2 (0.01 V),
    /// battery level 1, GSM 1, alarm 1, language 1, mileage 4; the hours, terminal ID and inputs after it
    /// are not kept. An alarm like 0x16's, with the status block split by the voltage.
    static func decodeLW4G(_ reader: inout GT06ContentReader, timeZoneOffsetSeconds: Int) throws(GT06DecodingError) -> GT06Message {
        var fix = try readGPS(&reader, timeZoneOffsetSeconds: timeZoneOffsetSeconds)
        fix.attributes.upsert(try readLBS(&reader, layout: .wide))
        try reader.skip(1) // network indicator
        let info = try reader.u8()
        let power = Double(try reader.u16()) / 100
        let voltage = try reader.u8()
        let gsm = try reader.u8()
        let status = GT06Status(terminalInfo: info, voltageLevel: voltage, gsmSignal: gsm)
        let code = try reader.u8()
        try reader.skip(1) // language
        var alarm = GT06Alarm(code: code)
        if alarm == .none {
            alarm = status.alarm
        }
        fix.attributes.upsert(status.attributes.filter { $0.name != "alarm" })
        fix.attributes.upsert([
            DeviceAttribute("power", .double(power)),
            DeviceAttribute("alarmCode", .int(Int64(code))),
            DeviceAttribute("odometer", .int(Int64(try reader.u32()))),
        ])
        if alarm != .none {
            fix.attributes.upsert([DeviceAttribute("alarm", .string(alarm.name))])
        }
        return .alarm(fix, status, alarm: alarm)
    }

    /// 0x34 (X1): alarm word 4, GPS, terminal info 2, mileage 4, MCC 2, MNC 1, LAC 2, Cell ID 4, driver 4
    /// (decimal, when not 0), battery 2 and external voltage 2 (0.01 V); port and ADC values are not kept.
    static func decodeX1(_ reader: inout GT06ContentReader, timeZoneOffsetSeconds: Int) throws(GT06DecodingError) -> GT06Message {
        try reader.skip(4) // data and alarm
        var fix = try readGPS(&reader, timeZoneOffsetSeconds: timeZoneOffsetSeconds)
        try reader.skip(2) // terminal info
        fix.attributes.upsert([DeviceAttribute("odometer", .int(Int64(try reader.u32())))])
        // This cell block has a 1-byte MNC whatever MCC bit 15 says.
        let mcc = Int64(try reader.u16() & 0x7FFF)
        let mnc = Int64(try reader.u8())
        let lac = Int64(try reader.u16())
        let cid = Int64(try reader.u32())
        if mcc != 0 {
            fix.attributes.upsert([
                DeviceAttribute("mcc", .int(mcc)), DeviceAttribute("mnc", .int(mnc)),
                DeviceAttribute("lac", .int(lac)), DeviceAttribute("cid", .int(cid)),
            ])
        }
        let driver = try reader.u32()
        if driver != 0 {
            fix.attributes.upsert([DeviceAttribute("driverUniqueId", .string(String(driver)))])
        }
        fix.attributes.upsert([
            DeviceAttribute("battery", .double(Double(try reader.u16()) / 100)),
            DeviceAttribute("power", .double(Double(try reader.u16()) / 100)),
        ])
        return .location(fix)
    }

    /// 0x38: GPS, upload mode 1, re-upload 1, cell type 1, then a cell in the 4G layout when the type is 3
    /// or more (signal 2) or the standard one (signal 1).
    static func decodeGPSLBS8(_ reader: inout GT06ContentReader, timeZoneOffsetSeconds: Int) throws(GT06DecodingError) -> GT06Message {
        var fix = try readGPS(&reader, timeZoneOffsetSeconds: timeZoneOffsetSeconds)
        try reader.skip(2) // upload mode, re-upload
        let fourG = try reader.u8() >= 3
        fix.attributes.upsert(try readLBS(&reader, layout: fourG ? .wide : .standard))
        try reader.skip(fourG ? 2 : 1) // signal
        return .location(fix)
    }

    /// 7979 0x32/0x33 (AZ735): date-time 6, GPS length 1 (0: no fix, `.other`) and the rest of the GPS
    /// block, cell length 1 + cell + GSM 1 (none when the length is 0), then length-prefixed cell and Wi-Fi
    /// lists (not kept), status 1 ("status"), length-prefixed reserved bytes.
    static func decodeAZ735(
        _ reader: inout GT06ContentReader, content: [UInt8], protocolNumber: UInt8, timeZoneOffsetSeconds: Int
    ) throws(GT06DecodingError) -> GT06Message {
        guard content.count > 6, content[6] != 0 else { return .other(protocolNumber: protocolNumber) }
        var fix = try readGPS(&reader, timeZoneOffsetSeconds: timeZoneOffsetSeconds, layout: .lengthAfterTime)
        let declared = Int(try reader.u8())
        if declared > 0 {
            fix.attributes.upsert(try readLBS(&reader, layout: .standard))
            // Traccar's reading: a length above 9 has extra bytes after the 8 of the cell.
            if declared > 9 {
                try reader.skip(declared - 9)
            }
            fix.attributes.upsert([DeviceAttribute("gsm", .int(Int64(try reader.u8())))])
        }
        try reader.skip(Int(try reader.u8())) // more cells
        try reader.skip(Int(try reader.u8())) // Wi-Fi access points
        fix.attributes.upsert([DeviceAttribute("status", .int(Int64(try reader.u8())))])
        try reader.skip(Int(try reader.u8())) // reserved
        return .acknowledgedLocation(fix)
    }

    /// An 8-byte RFID as "driverUniqueId" (hex); none when all zero (no card).
    static func readDriverTag(_ reader: inout GT06ContentReader) throws(GT06DecodingError) -> [DeviceAttribute] {
        let tag = try reader.bytes(8)
        guard tag.contains(where: { $0 != 0 }) else { return [] }
        return [DeviceAttribute("driverUniqueId", .string(tag.hexString))]
    }
}
