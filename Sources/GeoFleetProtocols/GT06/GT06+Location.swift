import GeoFleetCore

extension GT06 {
    /// Where a GPS block differs from the common 18-byte one.
    enum GPSLayout: Sendable {
        /// Date-time 6, GPS info 1 (low nibble satellites), latitude 4, longitude 4, speed 1 (km/h),
        /// course/status 2: every type but 0x95.
        case standard
        /// Date-time 6, latitude 4, longitude 4, course/status 2: the JC100 0x95 event (no satellites, no speed).
        case bare
        /// Date-time 6, GPS info 1, latitude 4, longitude 4, course/status 2, speed 2 (km/h): the JC400 0x95.
        case flagsThenWideSpeed
        /// Date-time 6, GPS length 1 (the caller checked it is not 0), then as `.standard`: 7979 0x32/0x33.
        case lengthAfterTime
    }

    /// A GPS block (18 bytes in the `.standard` layout).
    ///
    /// Course/status: bit12 GPS fixed (→ `valid`), bit11 set = west (longitude negative), bit10 set = north
    /// (else latitude negative), bits 9–0 course. Bit14 set means bit15 reports ACC ("ignition"), as
    /// Traccar reads it.
    static func readGPS(
        _ reader: inout GT06ContentReader, timeZoneOffsetSeconds: Int, layout: GPSLayout = .standard
    ) throws(GT06DecodingError) -> DeviceFix {
        let time = try readDateTime(&reader, timeZoneOffsetSeconds: timeZoneOffsetSeconds)
        if layout == .lengthAfterTime {
            try reader.skip(1)
        }
        let satellites = layout == .bare ? 0 : Int(try reader.u8() & 0x0F)
        let latitude = try reader.u32()
        let longitude = try reader.u32()
        let speed: UInt16
        let flags: UInt16
        switch layout {
        case .standard, .lengthAfterTime:
            speed = UInt16(try reader.u8())
            flags = try reader.u16()
        case .bare:
            speed = 0
            flags = try reader.u16()
        case .flagsThenWideSpeed:
            flags = try reader.u16()
            speed = try reader.u16()
        }
        return try makeFix(
            time: time, latitude: latitude, longitude: longitude, speedKmh: speed, flags: flags, satellites: satellites)
    }

    /// A fix from the GPS fields every layout shares: raw coordinates (unsigned minutes × 30000, i.e.
    /// degrees × 1 800 000) and the course/status word that signs them.
    static func makeFix(
        time: Int64, latitude: UInt32, longitude: UInt32, speedKmh: UInt16, flags: UInt16, satellites: Int,
        altitude: Double = 0
    ) throws(GT06DecodingError) -> DeviceFix {
        var latitude = Double(latitude) / 1_800_000
        var longitude = Double(longitude) / 1_800_000
        guard latitude <= 90, longitude <= 180 else { throw .badCoordinates }
        // `0 - x` rather than `-x`: a zero coordinate stays +0.0.
        if flags & 0x0400 == 0 { latitude = 0 - latitude }
        if flags & 0x0800 != 0 { longitude = 0 - longitude }
        var attributes: [DeviceAttribute] = []
        if flags & 0x4000 != 0 {
            attributes.append(DeviceAttribute("ignition", .bool(flags & 0x8000 != 0)))
        }
        return DeviceFix(
            fixTime: time, latitude: latitude, longitude: longitude, altitude: altitude, heading: Double(flags & 0x03FF),
            speedKmh: Double(speedKmh), satellites: satellites, valid: flags & 0x1000 != 0, attributes: attributes)
    }

    /// YY MM DD hh mm ss in the device's zone, as ms since the epoch UTC.
    static func readDateTime(_ reader: inout GT06ContentReader, timeZoneOffsetSeconds: Int) throws(GT06DecodingError) -> Int64 {
        let f = try reader.bytes(6).map(Int.init)
        let (year, month, day, hour, minute, second) = (2000 + f[0], f[1], f[2], f[3], f[4], f[5])
        guard (1...12).contains(month), day >= 1, hour < 24, minute < 60, second < 60 else { throw .badDateTime }
        let monthDays =
            UTCTime.daysFromCivil(year: month == 12 ? year + 1 : year, month: month % 12 + 1, day: 1)
            - UTCTime.daysFromCivil(year: year, month: month, day: 1)
        guard day <= monthDays else { throw .badDateTime }
        let local = UTCTime.milliseconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return local - Int64(timeZoneOffsetSeconds) * 1000
    }

    /// The cell block in `layout` (see `GT06CellLayout`). Attributes "mcc", "mnc", "lac", "cid"; none
    /// when MCC is 0 (the device had no cell).
    static func readLBS(_ reader: inout GT06ContentReader, layout: GT06CellLayout) throws(GT06DecodingError) -> [DeviceAttribute] {
        let mccField = try reader.u16()
        let mnc = layout.wideMNC || mccField & 0x8000 != 0 ? Int64(try reader.u16()) : Int64(try reader.u8())
        let lac = try reader.read(layout.lacSize)
        let cid = try reader.read(layout.cellIDSize)
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

    /// The 0x22/0xA0/0x37 tail: ACC 1, data upload mode 1, real-time/re-upload 1, then (unless `mileage`
    /// is false: 0x37 has its modules there) optionally mileage 4. Attributes "ignition", "uploadMode",
    /// "archive" (only when re-uploaded history), "odometer" (m).
    static func readUploadInfo(_ reader: inout GT06ContentReader, mileage: Bool = true) throws(GT06DecodingError) -> [DeviceAttribute] {
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
        if mileage, reader.remaining >= 4 {
            out.append(DeviceAttribute("odometer", .int(Int64(try reader.u32()))))
        }
        return out
    }
}
