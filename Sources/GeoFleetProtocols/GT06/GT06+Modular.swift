import GeoFleetCore

extension GT06 {
    /// 0x70 (modular, sent in 7979 frames): modules of type 2, length 2, value. A position when a 0x33 GPS
    /// module with a time is present, else `.other` (status only, not stored). Also kept: 0x18 battery
    /// voltage ("battery", 0.01 V). Each module's length is checked against what is left before reading it.
    static func decodeModular(_ reader: inout GT06ContentReader) throws(GT06DecodingError) -> GT06Message {
        var fix: DeviceFix?
        var extras: [DeviceAttribute] = []
        while reader.remaining >= 4 {
            let type = try reader.u16()
            let length = Int(try reader.u16())
            var value = GT06ContentReader(Array(try reader.bytes(length)))
            switch (type, length) {
            case (0x0033, 18...):
                fix = try readModularGPS(&value)
            case (0x0018, 2):
                extras.append(DeviceAttribute("battery", .double(Double(try value.u16()) / 100)))
            default:
                break
            }
        }
        guard var fix else { return .other(protocolNumber: ProtocolNumber.modular) }
        fix.attributes.upsert(extras)
        return .acknowledgedLocation(fix)
    }

    /// The 0x33 module: time 4 (seconds since the epoch, UTC), satellites 1, altitude 2 (signed, m),
    /// latitude 4, longitude 4, speed 1, course/status 2. Time 0 means no fix yet: nil.
    static func readModularGPS(_ reader: inout GT06ContentReader) throws(GT06DecodingError) -> DeviceFix? {
        let seconds = try reader.u32()
        let satellites = Int(try reader.u8())
        let altitude = Double(Int16(bitPattern: try reader.u16()))
        let latitude = try reader.u32()
        let longitude = try reader.u32()
        let speed = UInt16(try reader.u8())
        let flags = try reader.u16()
        guard seconds != 0 else { return nil }
        return try makeFix(
            time: Int64(seconds) * 1000, latitude: latitude, longitude: longitude, speedKmh: speed, flags: flags,
            satellites: satellites, altitude: altitude)
    }
}
