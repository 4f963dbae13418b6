import GeoFleetCore

/// Why an OsmAnd / Traccar Client request was refused; `description` is the body of the 400 reply.
public enum OsmAndError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Only `GET` and `POST` carry positions.
    case unsupportedMethod(String)
    /// A non-empty body whose media type is neither form-encoded nor JSON.
    case unsupportedContentType(String)
    /// The body exceeds `OsmAnd.maxBodyBytes` (the server checks this before reading; the parser again).
    case bodyTooLarge(size: Int, limit: Int)
    /// The query exceeds `OsmAnd.maxQueryBytes`.
    case queryTooLarge(size: Int, limit: Int)
    /// A `%` not followed by two hex digits, in the query or the form body.
    case badPercentEncoding(part: String, offset: Int)
    /// The JSON body is not well-formed (or not UTF-8); `offset` is the byte where reading stopped.
    case malformedJSON(offset: Int, reason: String)
    /// Well-formed JSON of a shape that is neither Traccar Client's nor the flat parameter form.
    case unexpectedJSON(String)
    /// No `id` / `deviceid` (query, form, flat JSON) or `device_id` (Traccar Client JSON).
    case missingDeviceID
    /// A device id longer than `OsmAnd.maxDeviceIDBytes` or holding control characters.
    case invalidDeviceID(String)
    /// One request named two devices (repeated `id`, or a batch mixing devices).
    case conflictingDeviceIDs(String, String)
    /// No `lat` + `lon` (or `location=lat,lon`, or `coords.latitude` + `coords.longitude`).
    case missingCoordinates
    /// A latitude or longitude that is not a decimal number in range.
    case invalidCoordinate(name: String, value: String)
    /// A timestamp that is neither Unix seconds / milliseconds nor an ISO 8601 date-time in 1970...9999.
    case invalidTimestamp(String)
    /// A known field whose value has the wrong type or is not a finite number.
    case invalidValue(name: String, value: String)
    /// A JSON batch with an empty `location` array (or an empty top-level array).
    case noLocations
    /// A JSON batch with more than `OsmAnd.maxLocations` locations.
    case tooManyLocations(count: Int, limit: Int)
    /// More than `OsmAnd.maxAttributes` attributes for one position.
    case tooManyAttributes(limit: Int)
    /// The error of one location of a batch, with its index (0-based).
    indirect case location(index: Int, OsmAndError)

    public var description: String {
        switch self {
        case .unsupportedMethod(let method):
            return "OsmAnd: method \(Self.shown(method)) is not supported; use GET or POST"
        case .unsupportedContentType(let type):
            return "OsmAnd: content type \(Self.shown(type)) is not supported; use application/x-www-form-urlencoded or application/json"
        case .bodyTooLarge(let size, let limit):
            return "OsmAnd: body of \(size) bytes exceeds the limit of \(limit) bytes"
        case .queryTooLarge(let size, let limit):
            return "OsmAnd: query of \(size) bytes exceeds the limit of \(limit) bytes"
        case .badPercentEncoding(let part, let offset):
            return "OsmAnd: malformed percent-encoding in the \(part) at byte \(offset)"
        case .malformedJSON(let offset, let reason):
            return "OsmAnd: malformed JSON at byte \(offset): \(reason)"
        case .unexpectedJSON(let reason):
            return "OsmAnd: unexpected JSON: \(reason)"
        case .missingDeviceID:
            return "OsmAnd: missing device id (id, deviceid or device_id)"
        case .invalidDeviceID(let id):
            return "OsmAnd: device id \(Self.shown(id)) is empty, longer than \(OsmAnd.maxDeviceIDBytes) bytes or holds control characters"
        case .conflictingDeviceIDs(let first, let second):
            return "OsmAnd: one request names two devices, \(Self.shown(first)) and \(Self.shown(second))"
        case .missingCoordinates:
            return "OsmAnd: missing coordinates (lat and lon, location=lat,lon, or coords.latitude and coords.longitude)"
        case .invalidCoordinate(let name, let value):
            return "OsmAnd: \(name) \(Self.shown(value)) is not a decimal number of degrees in range"
        case .invalidTimestamp(let value):
            return "OsmAnd: timestamp \(Self.shown(value)) is neither Unix seconds or milliseconds nor an ISO 8601 date-time in 1970...9999"
        case .invalidValue(let name, let value):
            return "OsmAnd: \(name) \(Self.shown(value)) is not a valid value"
        case .noLocations:
            return "OsmAnd: the JSON body holds no location"
        case .tooManyLocations(let count, let limit):
            return "OsmAnd: \(count) locations in one request exceed the limit of \(limit)"
        case .tooManyAttributes(let limit):
            return "OsmAnd: more than \(limit) attributes for one position"
        case .location(let index, let error):
            let inner = error.description
            let detail = inner.hasPrefix("OsmAnd: ") ? String(inner.dropFirst(8)) : inner
            return "OsmAnd: location \(index): \(detail)"
        }
    }

    /// A client-supplied value quoted and cut to 64 characters, so a reply never echoes a whole body.
    static func shown(_ value: String) -> String {
        value.count > 64 ? JSONWriter.quoted(String(value.prefix(64)) + "…") : JSONWriter.quoted(value)
    }
}
