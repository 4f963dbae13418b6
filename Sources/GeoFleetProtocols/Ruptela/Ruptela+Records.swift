import GeoFleetCore

extension Ruptela {
    /// The smallest record (no IO elements): header, GPS block, event id and four zero group counts.
    /// Command 1: time 4 + time ext 1 + priority 1 + GPS 16 + event 1 + counts 4.
    static let minimumRecordSize = 4 + 1 + 1 + 16 + 1 + 4
    /// Command 68 adds the record extension byte and widens the event id to 2 bytes.
    static let minimumExtendedRecordSize = minimumRecordSize + 1 + 1

    /// The longitude and latitude a device sends for a record taken without any position.
    static let noPosition = Int32.min

    /// Commands 1 and 68: records left u8, record count u8, records.
    static func decodeRecords(_ payload: [UInt8], extended: Bool) throws(RuptelaDecodingError) -> RuptelaMessage {
        var reader = RuptelaPayloadReader(payload)
        let recordsLeft = try reader.u8()
        let count = Int(try reader.u8())
        // An untrusted count must fit the bytes present before it sizes an allocation.
        guard count * (extended ? minimumExtendedRecordSize : minimumRecordSize) <= reader.remaining else {
            throw .truncated
        }
        var fixes: [DeviceFix] = []
        fixes.reserveCapacity(count)
        for _ in 0..<count {
            try decodeRecord(&reader, extended: extended, into: &fixes)
        }
        guard reader.remaining == 0 else { throw .trailingBytes(reader.remaining) }
        return .records(fixes, recordsLeft: Int(recordsLeft))
    }

    /// One record, appended as a new fix, or (a later part of a split extended record) merged into the last one.
    static func decodeRecord(
        _ reader: inout RuptelaPayloadReader, extended: Bool, into fixes: inout [DeviceFix]
    ) throws(RuptelaDecodingError) {
        let timestamp = try reader.u32()
        let timestampExtension = try reader.u8()
        // High nibble: how many further parts this record was split into; low nibble: which part this is.
        let recordExtension = extended ? try reader.u8() : 0
        let priority = try reader.u8()
        let longitude = Int32(bitPattern: try reader.u32())
        let latitude = Int32(bitPattern: try reader.u32())
        let altitude = try reader.u16()
        let angle = try reader.u16()
        let satellites = try reader.u8()
        let speed = try reader.u16()
        let hdop = try reader.u8()
        let event = extended ? try reader.u16() : UInt16(try reader.u8())
        let io = try decodeIOElements(&reader, idSize: extended ? 2 : 1)

        // Extended records with more IO than one record holds arrive as parts 0...n with the same header;
        // parts 1...n only carry more IO for part 0's fix. A part whose head is not in this packet stands alone.
        let part = recordExtension & 0x0F
        let parts = recordExtension >> 4
        if extended, part > 0, part <= parts, !fixes.isEmpty {
            fixes[fixes.count - 1].io.append(contentsOf: io)
            return
        }

        var attributes = [
            DeviceAttribute("priority", .int(Int64(priority))),
            DeviceAttribute("event", .int(Int64(event))),
        ]
        // Orders records taken within the same second (their fix times are equal).
        if timestampExtension != 0 {
            attributes.append(DeviceAttribute("timestampExtension", .int(Int64(timestampExtension))))
        }
        // The extension orders records taken within one second; as milliseconds it keeps them apart,
        // so the (vehicle, fix time) duplicate check does not drop the second one.
        let fixTime = Int64(timestamp) * 1000 + Int64(timestampExtension)
        guard longitude != noPosition, latitude != noPosition else {
            // No position at all: the rest of the GPS block is filler (0x8000, 0xFFFF…), so report nothing of it.
            fixes.append(
                DeviceFix(
                    fixTime: fixTime, latitude: 0, longitude: 0, valid: false, io: io, attributes: attributes))
            return
        }
        let lat = Double(latitude) / 1e7
        let lon = Double(longitude) / 1e7
        fixes.append(
            DeviceFix(
                fixTime: fixTime, latitude: lat, longitude: lon,
                altitude: Double(altitude) / 10, heading: Double(angle) / 100, speedKmh: Double(speed),
                satellites: Int(satellites), hdop: Double(hdop) / 10,
                // Ruptela has no validity flag: no satellites, or the 0/0 a receiver reports before its first fix.
                valid: satellites != 0 && !(latitude == 0 && longitude == 0),
                io: io, attributes: attributes))
    }

    /// Four IO groups of 1, 2, 4 and 8-byte values, each a count u8 then (id, value) pairs.
    static func decodeIOElements(
        _ reader: inout RuptelaPayloadReader, idSize: Int
    ) throws(RuptelaDecodingError) -> [IOElement] {
        var io: [IOElement] = []
        for width in [1, 2, 4, 8] {
            let n = Int(try reader.u8())
            guard n * (idSize + width) <= reader.remaining else { throw .truncated }
            io.reserveCapacity(io.count + n)
            for _ in 0..<n {
                let id = UInt16(truncatingIfNeeded: try reader.uint(size: idSize))
                let value = try reader.uint(size: width)
                io.append(IOElement(id: id, value: .unsigned(value, width: UInt8(width))))
            }
        }
        return io
    }
}
