import GeoFleetCore

extension GT06 {
    /// The 18-byte GPS block: date-time 6, GPS info 1 (low nibble satellites), latitude 4, longitude 4,
    /// speed 1 (km/h), course/status 2.
    ///
    /// Course/status: bit12 GPS fixed (→ `valid`), bit11 set = west (longitude negative), bit10 set = north
    /// (else latitude negative), bits 9–0 course. Bit14 set means bit15 reports ACC ("ignition"), as
    /// Traccar reads it.
    static func readGPS(_ reader: inout GT06ContentReader, timeZoneOffsetSeconds: Int) throws(GT06DecodingError) -> DeviceFix {
        let time = try readDateTime(&reader, timeZoneOffsetSeconds: timeZoneOffsetSeconds)
        let satellites = Int(try reader.u8() & 0x0F)
        // Unsigned minutes × 30000, i.e. degrees × 1 800 000.
        var latitude = Double(try reader.u32()) / 1_800_000
        var longitude = Double(try reader.u32()) / 1_800_000
        guard latitude <= 90, longitude <= 180 else { throw .badCoordinates }
        let speed = Double(try reader.u8())
        let flags = try reader.u16()
        // `0 - x` rather than `-x`: a zero coordinate stays +0.0.
        if flags & 0x0400 == 0 { latitude = 0 - latitude }
        if flags & 0x0800 != 0 { longitude = 0 - longitude }
        var attributes: [DeviceAttribute] = []
        if flags & 0x4000 != 0 {
            attributes.append(DeviceAttribute("ignition", .bool(flags & 0x8000 != 0)))
        }
        return DeviceFix(
            fixTime: time, latitude: latitude, longitude: longitude, heading: Double(flags & 0x03FF),
            speedKmh: speed, satellites: satellites, valid: flags & 0x1000 != 0, attributes: attributes)
    }

    /// YY MM DD hh mm ss in the device's zone, as ms since the epoch UTC.
    static func readDateTime(_ reader: inout GT06ContentReader, timeZoneOffsetSeconds: Int) throws(GT06DecodingError) -> Int64 {
        let f = try reader.bytes(6).map(Int.init)
        let (year, month, day, hour, minute, second) = (2000 + f[0], f[1], f[2], f[3], f[4], f[5])
        guard (1...12).contains(month), day >= 1, hour < 24, minute < 60, second < 60 else { throw .badDateTime }
        let monthDays = UTCTime.daysFromCivil(year: month == 12 ? year + 1 : year, month: month % 12 + 1, day: 1)
            - UTCTime.daysFromCivil(year: year, month: month, day: 1)
        guard day <= monthDays else { throw .badDateTime }
        let local = UTCTime.milliseconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return local - Int64(timeZoneOffsetSeconds) * 1000
    }

    /// The cell: MCC 2 (bit 15 set = the MNC takes 2 bytes), MNC 1|2, LAC 2, Cell ID 3; in the 4G
    /// (`wide`) layout LAC 4 and Cell ID 8. Attributes "mcc", "mnc", "lac", "cid"; none when MCC is 0
    /// (the device had no cell).
    static func readLBS(_ reader: inout GT06ContentReader, wide: Bool) throws(GT06DecodingError) -> [DeviceAttribute] {
        let mccField = try reader.u16()
        let mnc = mccField & 0x8000 != 0 ? Int64(try reader.u16()) : Int64(try reader.u8())
        let lac = try reader.read(wide ? 4 : 2)
        let cid = try reader.read(wide ? 8 : 3)
        let mcc = Int64(mccField & 0x7FFF)
        guard mcc != 0 else { return [] }
        return [
            DeviceAttribute("mcc", .int(mcc)),
            DeviceAttribute("mnc", .int(mnc)),
            DeviceAttribute("lac", .int(Int64(lac))),
            // Cell IDs never reach 2^63; clamp rather than trap on a hostile value.
            DeviceAttribute("cid", .int(Int64(clamping: cid))),
        ]
    }

    /// The 0x22/0xA0 tail: ACC 1, data upload mode 1, real-time/re-upload 1, then optionally mileage 4.
    /// Attributes "ignition", "uploadMode", "archive" (only when re-uploaded history), "odometer" (m).
    static func readUploadInfo(_ reader: inout GT06ContentReader) throws(GT06DecodingError) -> [DeviceAttribute] {
        let acc = try reader.u8()
        let mode = try reader.u8()
        let reupload = try reader.u8()
        var out = [
            DeviceAttribute("ignition", .bool(acc != 0)),
            DeviceAttribute("uploadMode", .int(Int64(mode))),
        ]
        if reupload != 0 {
            out.append(DeviceAttribute("archive", .bool(true)))
        }
        if reader.remaining >= 4 {
            out.append(DeviceAttribute("odometer", .int(Int64(try reader.u32()))))
        }
        return out
    }
}
