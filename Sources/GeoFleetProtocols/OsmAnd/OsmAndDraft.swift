import GeoFleetCore

/// The fields of one position while a request is read; `report(now:)` checks the required ones.
///
/// Both request shapes go through it, so "negative means unknown" and the attribute rules hold for both.
struct OsmAndDraft {
    var deviceID: String?
    var fixTime: Int64?
    var latitude: Double?
    var longitude: Double?
    var altitude: Double = 0
    private(set) var heading: Double = 0
    private(set) var speedKmh: Double = 0
    private(set) var hdop: Double?
    private(set) var accuracy: Double?
    var valid = true
    private(set) var attributes: [DeviceAttribute] = []

    /// Sets the device id; a second, different id in the same request is an error, not "last one wins".
    mutating func setDeviceID(_ text: String) throws(OsmAndError) {
        guard !text.isEmpty, text.utf8.count <= OsmAnd.maxDeviceIDBytes,
            !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { throw .invalidDeviceID(text) }
        if let deviceID, deviceID != text { throw .conflictingDeviceIDs(deviceID, text) }
        deviceID = text
    }

    /// Clients send -1 for "no speed"; any negative speed is unknown, i.e. 0.
    mutating func setSpeed(kmh: Double) { speedKmh = max(kmh, 0) }

    /// Clients send -1 for "no bearing"; 360 and beyond wrap into 0..<360.
    mutating func setHeading(_ degrees: Double) {
        heading = degrees < 0 ? 0 : degrees.truncatingRemainder(dividingBy: 360)
    }

    /// A negative accuracy or HDOP means the client did not know it.
    mutating func setAccuracy(_ metres: Double) { accuracy = metres < 0 ? nil : metres }
    mutating func setHDOP(_ value: Double) { hdop = value < 0 ? nil : value }

    /// `batteryLevel` in percent (Traccar's key); a whole number as `.int`, whatever format it came in.
    mutating func setBatteryLevel(percent: Double) throws(OsmAndError) {
        guard percent >= 0 else { return }
        if percent == percent.rounded(), let whole = Int64(exactly: percent) {
            try set("batteryLevel", .int(whole))
        } else {
            try set("batteryLevel", .double(percent))
        }
    }

    func hasAttribute(_ name: String) -> Bool { attributes.contains(where: { $0.name == name }) }

    /// Sets `name`, replacing an earlier value in place (a repeated parameter: the last one wins).
    mutating func set(_ name: String, _ value: AttributeValue) throws(OsmAndError) {
        if let index = attributes.firstIndex(where: { $0.name == name }) {
            attributes[index].value = value
            return
        }
        guard attributes.count < OsmAnd.maxAttributes else { throw .tooManyAttributes(limit: OsmAnd.maxAttributes) }
        attributes.append(DeviceAttribute(name, value))
    }

    /// Appends to a list kept as one string attribute, `;`-separated (repeated `cell` / `wifi`).
    mutating func append(_ name: String, _ item: String) throws(OsmAndError) {
        if let index = attributes.firstIndex(where: { $0.name == name }), case .string(let list) = attributes[index].value {
            attributes[index].value = .string(list + ";" + item)
        } else {
            try set(name, .string(item))
        }
    }

    /// Names a client may give an attribute: not all digits (those are Teltonika AVL ids in the same column),
    /// at most 64 bytes, no control characters. Others are dropped rather than refused, because a refused
    /// request is retried by the client forever and blocks its whole buffer.
    static func isAttributeName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64 && !name.utf8.allSatisfy(OsmAnd.isASCIIDigit)
            && !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
    }

    func report(now: Int64) throws(OsmAndError) -> OsmAndReport {
        guard let deviceID else { throw .missingDeviceID }
        guard let latitude, let longitude else { throw .missingCoordinates }
        let fix = DeviceFix(
            fixTime: fixTime ?? now, latitude: latitude, longitude: longitude, altitude: altitude, heading: heading,
            speedKmh: speedKmh, hdop: hdop, accuracy: accuracy, valid: valid, attributes: attributes)
        return OsmAndReport(deviceID: deviceID, fix: fix)
    }
}
