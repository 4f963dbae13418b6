import GeoFleetCore

extension GT06 {
    /// 0x21 (command reply text): server flag 4, encoding 1 (1 = ASCII, else UTF-16BE), text. A position
    /// only when the text is the answer to a where-is command,
    /// `Current position!Lat:N54.739332,Lon:E25.273270,Course:126.53,Speed:0.0000,DateTime:2017-05-26  10:27:47`
    /// (UTC; speed read as knots, as Traccar reads it); any other text is `.other`. Not answered.
    static func decodeText(_ reader: inout GT06ContentReader) throws(GT06DecodingError) -> GT06Message {
        try reader.skip(4) // server flag
        let ascii = try reader.u8() == 1
        let bytes = try reader.bytes(reader.remaining)
        let text: String
        if ascii {
            text = String(decoding: bytes, as: UTF8.self)
        } else {
            let units = stride(from: bytes.startIndex, to: bytes.endIndex - 1, by: 2).map {
                UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1])
            }
            text = String(decoding: units, as: UTF16.self)
        }
        guard let fix = try currentPosition(text) else { return .other(protocolNumber: ProtocolNumber.text) }
        return .location(fix)
    }

    /// The fix in a `Current position!` text, nil when the text is anything else.
    static func currentPosition(_ text: String) throws(GT06DecodingError) -> DeviceFix? {
        let prefix = "Current position!"
        guard text.hasPrefix(prefix) else { return nil }
        var fields: [Substring: Substring] = [:]
        for field in text.dropFirst(prefix.count).split(separator: ",") {
            guard let colon = field.firstIndex(of: ":") else { return nil }
            fields[field[..<colon]] = field[field.index(after: colon)...]
        }
        guard let lat = fields["Lat"], let lon = fields["Lon"], let latHemisphere = lat.first, let lonHemisphere = lon.first,
            "NS".contains(latHemisphere), "EW".contains(lonHemisphere),
            let latitude = Double(lat.dropFirst()), let longitude = Double(lon.dropFirst()),
            let course = fields["Course"].flatMap({ Double($0) }), let speed = fields["Speed"].flatMap({ Double($0) }),
            let dateTime = fields["DateTime"]
        else { return nil }
        guard latitude >= 0, latitude <= 90, longitude >= 0, longitude <= 180 else { throw .badCoordinates }
        // "2017-05-26  10:27:47": six numbers, whatever the separators; fewer is not this text (a cut one).
        let numbers = dateTime.split(whereSeparator: { !$0.isNumber }).map { Int($0) }
        guard numbers.count == 6 else { return nil }
        let values = numbers.compactMap { $0 }
        guard values.count == 6, (2000...2255).contains(values[0]), values[1...].allSatisfy({ (0...255).contains($0) })
        else { throw .badDateTime }
        var clock = GT06ContentReader([UInt8(values[0] - 2000)] + values[1...].map { UInt8($0) })
        let time = try readDateTime(&clock, timeZoneOffsetSeconds: 0)
        // A course outside a circle or a speed that is not a number is garbage, not a fix.
        guard (0..<360).contains(course), speed >= 0, speed < 10_000 else { throw .badCoordinates }
        return DeviceFix(
            fixTime: time, latitude: latHemisphere == "S" ? 0 - latitude : latitude,
            longitude: lonHemisphere == "W" ? 0 - longitude : longitude, heading: course, speedKmh: speed * 1.852,
            valid: true)
    }
}
