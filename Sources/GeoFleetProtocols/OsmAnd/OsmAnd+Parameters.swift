import GeoFleetCore

extension OsmAnd {
    /// One position from query / form parameters (or a flat JSON object turned into parameters).
    ///
    /// An empty value counts as absent (`speed=` is "no speed"); unknown names become attributes.
    static func report(parameters: [Parameter], now: Int64) throws(OsmAndError) -> OsmAndReport {
        var draft = OsmAndDraft()
        for parameter in parameters where !parameter.value.isEmpty {
            try apply(parameter.name, parameter.value, to: &draft)
        }
        return try draft.report(now: now)
    }

    private static func apply(_ name: String, _ value: String, to draft: inout OsmAndDraft) throws(OsmAndError) {
        switch name {
        case "id", "deviceid":
            try draft.setDeviceID(value)
        case "timestamp":
            guard let ms = timestamp(value) else { throw .invalidTimestamp(value) }
            draft.fixTime = ms
        case "lat":
            draft.latitude = try coordinate(name, value, limit: 90)
        case "lon":
            draft.longitude = try coordinate(name, value, limit: 180)
        case "location":
            let parts = value.split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count == 2, let lat = decimal(parts[0]), abs(lat) <= 90, let lon = decimal(parts[1]), abs(lon) <= 180 else {
                throw .invalidCoordinate(name: name, value: value)
            }
            draft.latitude = lat
            draft.longitude = lon
        case "speed":
            // Knots, as Traccar Client and OsmAnd send it.
            draft.setSpeed(kmh: try number(name, value) * 1.852)
        case "bearing", "heading":
            draft.setHeading(try number(name, value))
        case "altitude":
            draft.altitude = try number(name, value)
        case "accuracy":
            draft.setAccuracy(try number(name, value))
        case "hdop":
            draft.setHDOP(try number(name, value))
        case "batt":
            try draft.setBatteryLevel(percent: try number(name, value))
        case "charge":
            try draft.set("charge", .bool(try flag(name, value)))
        case "valid":
            draft.valid = try flag(name, value)
        case "driverUniqueId":
            try draft.set(name, .string(value))
        case "cell":
            try draft.append(name, try cell(value))
        case "wifi":
            try draft.append(name, try wifi(value))
        case "notificationToken":
            // A push registration for the device, not position data (Traccar stores it on the device).
            break
        default:
            if OsmAndDraft.isAttributeName(name) { try draft.set(name, attributeValue(value)) }
        }
    }

    /// A latitude (`limit` 90) or longitude (180): a finite decimal within ±limit.
    static func coordinate(_ name: String, _ text: String, limit: Double) throws(OsmAndError) -> Double {
        guard let degrees = decimal(text), abs(degrees) <= limit else { throw .invalidCoordinate(name: name, value: text) }
        return degrees
    }

    private static func number(_ name: String, _ text: String) throws(OsmAndError) -> Double {
        guard let value = decimal(text) else { throw .invalidValue(name: name, value: text) }
        return value
    }

    private static func flag(_ name: String, _ text: String) throws(OsmAndError) -> Bool {
        guard let value = boolean(text) else { throw .invalidValue(name: name, value: text) }
        return value
    }

    /// `mcc,mnc,lac,cid[,rssi]`, all integers (Traccar parses each with `Integer.parseInt`); kept as sent.
    private static func cell(_ text: String) throws(OsmAndError) -> String {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 4 || parts.count == 5, parts.allSatisfy(isSmallInteger) else {
            throw .invalidValue(name: "cell", value: text)
        }
        return text
    }

    /// `mac,rssi`; the MAC's `-` separators become `:` as Traccar does.
    private static func wifi(_ text: String) throws(OsmAndError) -> String {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2, isSmallInteger(parts[1]) else { throw .invalidValue(name: "wifi", value: text) }
        let mac = parts[0].utf8
        let hexDigits = mac.filter { $0 != UInt8(ascii: ":") && $0 != UInt8(ascii: "-") }
        guard hexDigits.count == 12, hexDigits.allSatisfy({ isASCIIDigit($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0 | 0x20) }),
            mac.count == 12 || mac.count == 17
        else { throw .invalidValue(name: "wifi", value: text) }
        return String(decoding: mac.map { $0 == UInt8(ascii: "-") ? UInt8(ascii: ":") : $0 }, as: UTF8.self) + "," + parts[1]
    }

    /// An optionally negative integer of at most 10 digits (what a Java `int` parse accepts, roughly).
    private static func isSmallInteger(_ text: Substring) -> Bool {
        let digits = text.hasPrefix("-") ? text.dropFirst() : text
        return (1...10).contains(digits.utf8.count) && digits.utf8.allSatisfy(isASCIIDigit)
    }
}
