import GeoFleetCore

extension OsmAnd {
    /// Traccar Client 9.x (transistorsoft background-geolocation): `location` is one object, or an array
    /// of them when the client syncs its buffer in a batch; `device_id` comes from the client's `params`.
    static func clientReports(_ root: OsmAndJSON, now: Int64) throws(OsmAndError) -> [OsmAndReport] {
        let deviceID = try clientDeviceID(root)
        switch root["location"] {
        case .object?:
            return [try clientReport(location: root["location"] ?? .null, deviceID: deviceID, now: now)]
        case .array(let elements)?:
            return try batch(elements) { (element) throws(OsmAndError) in
                guard case .object = element else { throw .unexpectedJSON("a location must be an object, not \(element.brief)") }
                return try clientReport(location: element, deviceID: deviceID, now: now)
            }
        default:
            throw .unexpectedJSON("location must be an object or an array, not \(root["location"]?.brief ?? "absent")")
        }
    }

    /// `device_id`, a string (or a number, if a client's params template made it one).
    static func clientDeviceID(_ root: OsmAndJSON) throws(OsmAndError) -> String {
        switch root["device_id"] {
        case .string(let s)? where !s.isEmpty: return s
        case .number(let text)?: return text
        case nil, .null?, .string?: throw .missingDeviceID
        case let other?: throw .invalidDeviceID(other.brief)
        }
    }

    /// One transistorsoft location object, mapped the way Traccar maps it (attribute keys included).
    static func clientReport(location: OsmAndJSON, deviceID: String, now: Int64) throws(OsmAndError) -> OsmAndReport {
        var draft = OsmAndDraft()
        try draft.setDeviceID(deviceID)

        switch location["timestamp"] {
        case nil, .null?:
            break
        case .string(let text)?:
            guard let ms = timestamp(text) else { throw .invalidTimestamp(text) }
            draft.fixTime = ms
        case .number(let text)?:
            guard let ms = timestamp(text) else { throw .invalidTimestamp(text) }
            draft.fixTime = ms
        case let other?:
            throw .invalidTimestamp(other.brief)
        }

        let coords = location["coords"] ?? .null
        switch coords {
        case .object: break
        case .null: throw .missingCoordinates
        default: throw .invalidValue(name: "coords", value: coords.brief)
        }
        guard let latitude = try jsonCoordinate(coords, "latitude", limit: 90),
            let longitude = try jsonCoordinate(coords, "longitude", limit: 180)
        else { throw .missingCoordinates }
        draft.latitude = latitude
        draft.longitude = longitude
        // The JSON client reports speed in m/s and -1 for "unknown", heading -1 likewise.
        if let speed = try jsonNumber(coords, "speed", in: "coords") { draft.setSpeed(kmh: speed * 3.6) }
        if let heading = try jsonNumber(coords, "heading", in: "coords") { draft.setHeading(heading) }
        if let accuracy = try jsonNumber(coords, "accuracy", in: "coords") { draft.setAccuracy(accuracy) }
        if let altitude = try jsonNumber(coords, "altitude", in: "coords") { draft.altitude = altitude }

        if let event = try jsonString(location, "event"), !event.isEmpty { try draft.set("event", .string(event)) }
        if let moving = try jsonBool(location, "is_moving") { try draft.set("motion", .bool(moving)) }
        if try jsonNumber(location, "odometer") != nil, case .number(let metres)? = location["odometer"] {
            // Metres, kept as sent: whole numbers as `.int`, the rest as `.double`.
            try draft.set("odometer", attributeValue(metres))
        }
        if let mock = try jsonBool(location, "mock") { try draft.set("mock", .bool(mock)) }
        switch location["activity"] {
        case .object?:
            if let type = try jsonString(location["activity"] ?? .null, "type", in: "activity"), !type.isEmpty {
                try draft.set("activity", .string(type))
            }
        case .string(let type)? where !type.isEmpty:
            try draft.set("activity", .string(type))
        case nil, .null?, .string?:
            break
        case let other?:
            throw .invalidValue(name: "activity", value: other.brief)
        }
        switch location["battery"] {
        case .object?:
            let battery = location["battery"] ?? .null
            // level is 0...1 (-1 when unknown); Traccar's batteryLevel is a percentage.
            if let level = try jsonNumber(battery, "level", in: "battery"), (0...1).contains(level) {
                try draft.setBatteryLevel(percent: (level * 100).rounded())
            }
            if let charging = try jsonBool(battery, "is_charging", in: "battery") { try draft.set("charge", .bool(charging)) }
        case nil, .null?:
            break
        case let other?:
            throw .invalidValue(name: "battery", value: other.brief)
        }
        if let alarm = try jsonString(location, "alarm"), !alarm.isEmpty { try draft.set("alarm", .string(alarm)) }

        // extras: the app's own keys (heartbeat, manual, alarm…); they never override a field read above.
        if case .object(let extras)? = location["extras"] {
            for member in extras where OsmAndDraft.isAttributeName(member.key) && !draft.hasAttribute(member.key) {
                switch member.value {
                case .string(let s): try draft.set(member.key, .string(s))
                case .bool(let b): try draft.set(member.key, .bool(b))
                case .number(let text): try draft.set(member.key, attributeValue(text))
                case .null, .array, .object: break
                }
            }
        }
        return try draft.report(now: now)
    }

    /// `coords.latitude` / `coords.longitude`: nil when absent or null, else a number within ±limit.
    private static func jsonCoordinate(_ coords: OsmAndJSON, _ key: String, limit: Double) throws(OsmAndError) -> Double? {
        switch coords[key] {
        case nil, .null?: return nil
        case .number(let text)?: return try coordinate("coords." + key, text, limit: limit)
        case let other?: throw .invalidCoordinate(name: "coords." + key, value: other.brief)
        }
    }

    private static func jsonNumber(_ object: OsmAndJSON, _ key: String, in parent: String? = nil) throws(OsmAndError) -> Double? {
        switch object[key] {
        case nil, .null?: return nil
        case .number(let text)?:
            guard let value = decimal(text) else { throw .invalidValue(name: path(parent, key), value: text) }
            return value
        case let other?: throw .invalidValue(name: path(parent, key), value: other.brief)
        }
    }

    private static func jsonBool(_ object: OsmAndJSON, _ key: String, in parent: String? = nil) throws(OsmAndError) -> Bool? {
        switch object[key] {
        case nil, .null?: return nil
        case .bool(let b)?: return b
        case let other?: throw .invalidValue(name: path(parent, key), value: other.brief)
        }
    }

    private static func jsonString(_ object: OsmAndJSON, _ key: String, in parent: String? = nil) throws(OsmAndError) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case let other?: throw .invalidValue(name: path(parent, key), value: other.brief)
        }
    }

    private static func path(_ parent: String?, _ key: String) -> String { parent.map { $0 + "." + key } ?? key }
}
