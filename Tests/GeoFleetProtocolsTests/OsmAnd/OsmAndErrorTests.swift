import GeoFleetProtocols
import Testing

/// Every `OsmAndError` case, each produced by a concrete request, with the message the 400 reply carries.
@Suite("OsmAnd refused requests")
struct OsmAndErrorTests {
    private let json = "application/json"
    private let located = "id=1&lat=1&lon=2"

    @Test("a method other than GET or POST")
    func unsupportedMethod() {
        let error = osmandError("PUT", query: located)
        #expect(error == .unsupportedMethod("PUT"))
        #expect(error?.description == "OsmAnd: method \"PUT\" is not supported; use GET or POST")
        #expect(osmandError("get", query: located) == .unsupportedMethod("get")) // methods are case-sensitive
    }

    @Test("a body that is neither a form nor JSON")
    func unsupportedContentType() {
        let error = osmandError("POST", contentType: "text/plain", body: located)
        #expect(error == .unsupportedContentType("text/plain"))
        #expect(
            error?.description
                == "OsmAnd: content type \"text/plain\" is not supported; use application/x-www-form-urlencoded or application/json")
        // An empty body is not read, whatever its declared type (Traccar Client 8 POSTs with no body).
        #expect(osmandError("POST", query: located, contentType: "text/plain") == nil)
    }

    @Test("a body or query over the limit")
    func tooLarge() {
        let body = [UInt8](repeating: UInt8(ascii: "a"), count: OsmAnd.maxBodyBytes + 1)
        let error = osmandError("POST", contentType: json, body: body)
        #expect(error == .bodyTooLarge(size: 262_145, limit: 262_144))
        #expect(error?.description == "OsmAnd: body of 262145 bytes exceeds the limit of 262144 bytes")

        let query = located + "&pad=" + String(repeating: "x", count: OsmAnd.maxQueryBytes)
        let queryError = osmandError(query: query)
        #expect(queryError == .queryTooLarge(size: query.utf8.count, limit: 16_384))
        #expect(queryError?.description == "OsmAnd: query of 16405 bytes exceeds the limit of 16384 bytes")
    }

    @Test("a % not followed by two hex digits")
    func badPercentEncoding() {
        let error = osmandError(query: "id=1%2&lat=1&lon=2")
        #expect(error == .badPercentEncoding(part: "query", offset: 4))
        #expect(error?.description == "OsmAnd: malformed percent-encoding in the query at byte 4")
        #expect(osmandError("POST", contentType: "application/x-www-form-urlencoded", body: "id=%zz") == .badPercentEncoding(part: "body", offset: 3))
        #expect(osmandError(query: "id=1&lat=1&lon=2%") == .badPercentEncoding(part: "query", offset: 16))
    }

    @Test("malformed JSON, with the byte where reading stopped")
    func malformedJSON() {
        let error = osmandError("POST", contentType: json, body: #"{"location":"#)
        #expect(error == .malformedJSON(offset: 12, reason: "unexpected end of data"))
        #expect(error?.description == "OsmAnd: malformed JSON at byte 12: unexpected end of data")

        #expect(
            osmandError("POST", contentType: json, body: #"{"device_id":"1"} x"#)
                == .malformedJSON(offset: 18, reason: "unexpected data after the JSON value"))
        #expect(osmandError("POST", contentType: json, body: #"{"a":tru}"#) == .malformedJSON(offset: 8, reason: "invalid literal"))
        #expect(osmandError("POST", contentType: json, body: #"{"a":01}"#) == .malformedJSON(offset: 6, reason: "expected ',' or '}'"))
        #expect(osmandError("POST", contentType: json, body: #"{"a":1.}"#) == .malformedJSON(offset: 7, reason: "invalid number"))
        #expect(osmandError("POST", contentType: json, body: #"{"a":NaN}"#) == .malformedJSON(offset: 5, reason: "unexpected character"))
        #expect(osmandError("POST", contentType: json, body: "{\"a\":\"\t\"}") == .malformedJSON(offset: 6, reason: "control character in string"))
        #expect(
            osmandError("POST", contentType: json, body: #"{"a":"\ud800"}"#)
                == .malformedJSON(offset: 12, reason: #"unpaired surrogate in \u escape"#))
        #expect(osmandError("POST", contentType: json, body: #"{"a":"\x"}"#) == .malformedJSON(offset: 7, reason: "invalid escape"))
        #expect(osmandError("POST", contentType: json, body: [0x7B, 0x22, 0xC3, 0x28, 0x22]) == .malformedJSON(offset: 2, reason: "invalid UTF-8"))
        let deep = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        #expect(osmandError("POST", contentType: json, body: deep) == .malformedJSON(offset: 32, reason: "nesting deeper than 32"))
        // Deep nesting of a whole body's worth does not exhaust the stack.
        let hostile = [UInt8](repeating: UInt8(ascii: "["), count: OsmAnd.maxBodyBytes)
        #expect(osmandError("POST", contentType: json, body: hostile) == .malformedJSON(offset: 32, reason: "nesting deeper than 32"))
    }

    @Test("well-formed JSON of the wrong shape")
    func unexpectedJSON() {
        let error = osmandError("POST", contentType: json, body: #""hello""#)
        #expect(error == .unexpectedJSON("the body must be an object or an array, not hello"))
        #expect(error?.description == "OsmAnd: unexpected JSON: the body must be an object or an array, not hello")
        #expect(
            osmandError("POST", contentType: json, body: #"{"location":5,"device_id":"1"}"#)
                == .unexpectedJSON("location must be an object or an array, not 5"))
        #expect(
            osmandError("POST", contentType: json, body: #"{"location":[null],"device_id":"1"}"#)
                == .location(index: 0, .unexpectedJSON("a location must be an object, not null")))
    }

    @Test("no device id")
    func missingDeviceID() {
        let error = osmandError(query: "lat=1&lon=2")
        #expect(error == .missingDeviceID)
        #expect(error?.description == "OsmAnd: missing device id (id, deviceid or device_id)")
        #expect(osmandError(query: "id=&lat=1&lon=2") == .missingDeviceID) // empty is absent
        let body = #"{"location":{"timestamp":"2025-06-15T13:45:12.862Z","coords":{"latitude":1,"longitude":2}}}"#
        #expect(osmandError("POST", contentType: json, body: body) == .missingDeviceID)
    }

    @Test("a device id with control characters, or too long")
    func invalidDeviceID() {
        let error = osmandError(query: "id=12%0A34&lat=1&lon=2")
        #expect(error == .invalidDeviceID("12\n34"))
        #expect(error?.description == #"OsmAnd: device id "12\n34" is empty, longer than 128 bytes or holds control characters"#)
        let long = String(repeating: "7", count: 129)
        #expect(osmandError(query: "id=\(long)&lat=1&lon=2") == .invalidDeviceID(long))
        #expect(
            osmandError(query: "id=\(long)&lat=1&lon=2")?.description
                == "OsmAnd: device id \"\(String(repeating: "7", count: 64))…\" is empty, longer than 128 bytes or holds control characters")
        #expect(osmandError("POST", contentType: json, body: #"{"location":{},"device_id":true}"#) == .invalidDeviceID("true"))
    }

    @Test("two devices in one request")
    func conflictingDeviceIDs() {
        let error = osmandError(query: "id=1&deviceid=2&lat=1&lon=2")
        #expect(error == .conflictingDeviceIDs("1", "2"))
        #expect(error?.description == #"OsmAnd: one request names two devices, "1" and "2""#)
        #expect(osmandError(query: "id=1&deviceid=1&lat=1&lon=2") == nil) // the same id twice is fine
        let batch = #"[{"id":"a","lat":1,"lon":2},{"id":"b","lat":1,"lon":2}]"#
        #expect(osmandError("POST", contentType: json, body: batch) == .conflictingDeviceIDs("a", "b"))
    }

    @Test("no coordinates")
    func missingCoordinates() {
        let error = osmandError(query: "id=1&lat=1")
        #expect(error == .missingCoordinates)
        #expect(error?.description == "OsmAnd: missing coordinates (lat and lon, location=lat,lon, or coords.latitude and coords.longitude)")
        #expect(osmandError(query: "id=1&lat=&lon=") == .missingCoordinates)
        #expect(
            osmandError("POST", contentType: json, body: #"{"location":{"timestamp":"2025-06-15T13:45:12.862Z"},"device_id":"1"}"#)
                == .missingCoordinates)
        #expect(
            osmandError("POST", contentType: json, body: #"{"location":{"coords":{"latitude":1,"longitude":null}},"device_id":"1"}"#)
                == .missingCoordinates)
    }

    @Test("coordinates that are not finite decimals in range")
    func invalidCoordinate() {
        let error = osmandError(query: "id=1&lat=NaN&lon=2")
        #expect(error == .invalidCoordinate(name: "lat", value: "NaN"))
        #expect(error?.description == #"OsmAnd: lat "NaN" is not a decimal number of degrees in range"#)
        #expect(osmandError(query: "id=1&lat=90.0000001&lon=2") == .invalidCoordinate(name: "lat", value: "90.0000001"))
        #expect(osmandError(query: "id=1&lat=1&lon=-180.5") == .invalidCoordinate(name: "lon", value: "-180.5"))
        #expect(osmandError(query: "id=1&lat=1&lon=Infinity") == .invalidCoordinate(name: "lon", value: "Infinity"))
        #expect(osmandError(query: "id=1&lat=1e999&lon=2") == .invalidCoordinate(name: "lat", value: "1e999"))
        #expect(osmandError(query: "id=1&lat=0x1p3&lon=2") == .invalidCoordinate(name: "lat", value: "0x1p3"))
        #expect(osmandError(query: "id=1&lat=+&lon=2") == .invalidCoordinate(name: "lat", value: " "))
        #expect(osmandError(query: "id=1&location=60.0") == .invalidCoordinate(name: "location", value: "60.0"))
        #expect(osmandError(query: "id=1&location=60.0,30.0,5") == .invalidCoordinate(name: "location", value: "60.0,30.0,5"))
        let body = #"{"location":{"coords":{"latitude":"1","longitude":2}},"device_id":"1"}"#
        #expect(osmandError("POST", contentType: json, body: body) == .invalidCoordinate(name: "coords.latitude", value: "1"))
        let far = #"{"location":{"coords":{"latitude":1,"longitude":1e3}},"device_id":"1"}"#
        #expect(osmandError("POST", contentType: json, body: far) == .invalidCoordinate(name: "coords.longitude", value: "1e3"))
    }

    @Test("timestamps that are neither epoch numbers nor real ISO dates in 1970...9999")
    func invalidTimestamp() {
        let error = osmandError(query: located + "&timestamp=yesterday")
        #expect(error == .invalidTimestamp("yesterday"))
        #expect(
            error?.description
                == #"OsmAnd: timestamp "yesterday" is neither Unix seconds or milliseconds nor an ISO 8601 date-time in 1970...9999"#)
        #expect(osmandError(query: located + "&timestamp=2021-02-30T00:00:00Z") == .invalidTimestamp("2021-02-30T00:00:00Z"))
        #expect(osmandError(query: located + "&timestamp=1969-12-31T23:59:59Z") == .invalidTimestamp("1969-12-31T23:59:59Z"))
        #expect(osmandError(query: located + "&timestamp=-5") == .invalidTimestamp("-5"))
        #expect(osmandError(query: located + "&timestamp=1377177267.5") == .invalidTimestamp("1377177267.5"))
        #expect(osmandError(query: located + "&timestamp=99999999999999999999") == .invalidTimestamp("99999999999999999999"))
        #expect(osmandError(query: located + "&timestamp=253402300800000") == .invalidTimestamp("253402300800000"))
        #expect(osmandError(query: located + "&timestamp=2016-01-27T18:55:47%2B25:00") == .invalidTimestamp("2016-01-27T18:55:47+25:00"))
        let body = #"{"location":{"timestamp":true,"coords":{"latitude":1,"longitude":2}},"device_id":"1"}"#
        #expect(osmandError("POST", contentType: json, body: body) == .invalidTimestamp("true"))
    }

    @Test("known fields with values of the wrong kind")
    func invalidValue() {
        let error = osmandError(query: located + "&speed=fast")
        #expect(error == .invalidValue(name: "speed", value: "fast"))
        #expect(error?.description == #"OsmAnd: speed "fast" is not a valid value"#)
        #expect(osmandError(query: located + "&bearing=NaN") == .invalidValue(name: "bearing", value: "NaN"))
        #expect(osmandError(query: located + "&altitude=1e400") == .invalidValue(name: "altitude", value: "1e400"))
        #expect(osmandError(query: located + "&valid=maybe") == .invalidValue(name: "valid", value: "maybe"))
        #expect(osmandError(query: located + "&charge=yes") == .invalidValue(name: "charge", value: "yes"))
        #expect(osmandError(query: located + "&cell=257,02") == .invalidValue(name: "cell", value: "257,02"))
        #expect(osmandError(query: located + "&wifi=00-14-22,-80") == .invalidValue(name: "wifi", value: "00-14-22,-80"))
        let moving = #"{"location":{"coords":{"latitude":1,"longitude":2},"is_moving":"yes"},"device_id":"1"}"#
        #expect(osmandError("POST", contentType: json, body: moving) == .invalidValue(name: "is_moving", value: "yes"))
        let speed = #"{"location":{"coords":{"latitude":1,"longitude":2,"speed":"3"}},"device_id":"1"}"#
        #expect(osmandError("POST", contentType: json, body: speed) == .invalidValue(name: "coords.speed", value: "3"))
        let battery = #"{"location":{"coords":{"latitude":1,"longitude":2},"battery":{"level":0.5,"is_charging":1}},"device_id":"1"}"#
        #expect(osmandError("POST", contentType: json, body: battery) == .invalidValue(name: "battery.is_charging", value: "1"))
    }

    @Test("an empty batch")
    func noLocations() {
        let error = osmandError("POST", contentType: json, body: #"{"location":[],"device_id":"1"}"#)
        #expect(error == .noLocations)
        #expect(error?.description == "OsmAnd: the JSON body holds no location")
        #expect(osmandError("POST", contentType: json, body: "[]") == .noLocations)
    }

    @Test("a batch over the limit")
    func tooManyLocations() {
        let one = #"{"coords":{"latitude":1,"longitude":2}}"#
        let body = #"{"device_id":"1","location":["# + Array(repeating: one, count: OsmAnd.maxLocations + 1).joined(separator: ",") + "]}"
        let error = osmandError("POST", contentType: json, body: body)
        #expect(error == .tooManyLocations(count: 1001, limit: 1000))
        #expect(error?.description == "OsmAnd: 1001 locations in one request exceed the limit of 1000")
        let full = #"{"device_id":"1","location":["# + Array(repeating: one, count: OsmAnd.maxLocations).joined(separator: ",") + "]}"
        #expect((try? osmand("POST", contentType: json, body: full).count) == 1000)
    }

    @Test("more attributes than one position may carry")
    func tooManyAttributes() {
        let keys = (0...OsmAnd.maxAttributes).map { "k\($0)=\($0)" }.joined(separator: "&")
        let error = osmandError(query: located + "&" + keys)
        #expect(error == .tooManyAttributes(limit: 100))
        #expect(error?.description == "OsmAnd: more than 100 attributes for one position")
        let fits = (0..<OsmAnd.maxAttributes).map { "k\($0)=\($0)" }.joined(separator: "&")
        #expect(osmandError(query: located + "&" + fits + "&k1=again") == nil) // a repeated key replaces, no new slot
    }

    @Test("an error inside a batch names the location")
    func location() {
        let body = #"{"device_id":"1","location":[{"coords":{"latitude":1,"longitude":2}},{"coords":{"latitude":1}}]}"#
        let error = osmandError("POST", contentType: json, body: body)
        #expect(error == .location(index: 1, .missingCoordinates))
        #expect(
            error?.description
                == "OsmAnd: location 1: missing coordinates (lat and lon, location=lat,lon, or coords.latitude and coords.longitude)")
        let flat = #"[{"id":"1","lat":1,"lon":2},{"id":"1","lat":1,"lon":2,"timestamp":"soon"}]"#
        #expect(osmandError("POST", contentType: json, body: flat) == .location(index: 1, .invalidTimestamp("soon")))
    }
}
