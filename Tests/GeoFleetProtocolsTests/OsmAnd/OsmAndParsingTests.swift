import GeoFleetCore
import GeoFleetProtocols
import Testing

/// The rules behind the fixtures, one at a time.
@Suite("OsmAnd parsing rules")
struct OsmAndParsingTests {
    private let located = "id=1&lat=1&lon=2"

    @Test("Unix seconds below 2^31 - 1, milliseconds from there on (Traccar's Integer.MAX_VALUE rule)")
    func timestampUnits() throws {
        #expect(try osmandFix(located + "&timestamp=2147483646").fixTime == 2_147_483_646_000)
        #expect(try osmandFix(located + "&timestamp=2147483647").fixTime == 2_147_483_647)
        #expect(try osmandFix(located + "&timestamp=1750001112").fixTime == 1_750_001_112_000)
        #expect(try osmandFix(located + "&timestamp=1750001112345").fixTime == 1_750_001_112_345)
        #expect(try osmandFix(located + "&timestamp=0").fixTime == 0)
    }

    @Test("ISO 8601 with fractions and offsets, and the space-separated form, all UTC unless zoned")
    func timestampText() throws {
        #expect(try osmandFix(located + "&timestamp=2025-06-15T13:45:12.862Z").fixTime == 1_749_995_112_862)
        #expect(try osmandFix(located + "&timestamp=2025-06-15T15:45:12.862%2B02:00").fixTime == 1_749_995_112_862)
        #expect(try osmandFix(located + "&timestamp=2025-06-15T13:45:12.862123Z").fixTime == 1_749_995_112_862)
        #expect(try osmandFix(located + "&timestamp=2025-06-15%2013:45:12").fixTime == 1_749_995_112_000)
        #expect(try osmandFix(located + "&timestamp=2024-02-29T00:00:00Z").fixTime == 1_709_164_800_000)
        #expect(try osmandFix(located + "&timestamp=9999-12-31T23:59:59.999Z").fixTime == 253_402_300_799_999)
    }

    @Test("no timestamp, or an empty one: the server's now")
    func timestampNow() throws {
        #expect(try osmandFix(located, now: 42).fixTime == 42)
        #expect(try osmandFix(located + "&timestamp=", now: 42).fixTime == 42)
        let body = #"{"location":{"coords":{"latitude":1,"longitude":2}},"device_id":"1"}"#
        #expect(try osmand("POST", contentType: "application/json", body: body, now: 42)[0].fix.fixTime == 42)
    }

    @Test("speed: knots in parameters, m/s in Traccar Client JSON; negative is unknown")
    func speed() throws {
        #expect(try osmandFix(located + "&speed=10").speedKmh == 18.52)
        #expect(try osmandFix(located + "&speed=-1").speedKmh == 0)
        let json = #"{"location":{"coords":{"latitude":1,"longitude":2,"speed":10}},"device_id":"1"}"#
        #expect(try osmand("POST", contentType: "application/json", body: json)[0].fix.speedKmh == 36)
    }

    @Test("heading: bearing or heading, -1 unknown, 360 and beyond wrap")
    func heading() throws {
        #expect(try osmandFix(located + "&bearing=271.5").heading == 271.5)
        #expect(try osmandFix(located + "&heading=90").heading == 90)
        #expect(try osmandFix(located + "&bearing=360").heading == 0)
        #expect(try osmandFix(located + "&bearing=370.5").heading == 10.5)
        #expect(try osmandFix(located + "&bearing=-1").heading == 0)
    }

    @Test("accuracy and hdop: negative is unknown")
    func accuracy() throws {
        #expect(try osmandFix(located + "&accuracy=4.8&hdop=0.9").accuracy == 4.8)
        #expect(try osmandFix(located + "&accuracy=4.8&hdop=0.9").hdop == 0.9)
        #expect(try osmandFix(located + "&accuracy=-1&hdop=-1").accuracy == nil)
        #expect(try osmandFix(located + "&accuracy=-1&hdop=-1").hdop == nil)
    }

    @Test("valid: true/false in any case, 1/0; default true")
    func valid() throws {
        #expect(try osmandFix(located).valid)
        #expect(try osmandFix(located + "&valid=false").valid == false)
        #expect(try osmandFix(located + "&valid=FALSE").valid == false)
        #expect(try osmandFix(located + "&valid=0").valid == false)
        #expect(try osmandFix(located + "&valid=1").valid)
        #expect(try osmandFix(located + "&valid=True").valid)
    }

    @Test("numbers as Java and iOS clients print them")
    func numberFormats() throws {
        let fix = try osmandFix("id=1&lat=1.0E-4&lon=-5.&altitude=.5&speed=1e1")
        #expect(fix.latitude == 0.0001)
        #expect(fix.longitude == -5)
        #expect(fix.altitude == 0.5)
        #expect(fix.speedKmh == 18.52)
        #expect(try osmandFix("id=1&lat=%2B45.5&lon=2").latitude == 45.5)
    }

    @Test("unknown parameters become typed attributes; values that would lose information stay strings")
    func attributeTyping() throws {
        let fix = try osmandFix(
            located + "&rpm=933&temp=-4.5&ignition=true&door=false&iccid=89014103211118510720&zone=007&mnc=02&flag=TRUE&note=hello+world&exp=1e3")
        #expect(
            fix.attributes == [
                DeviceAttribute("rpm", .int(933)), DeviceAttribute("temp", .double(-4.5)), DeviceAttribute("ignition", .bool(true)),
                DeviceAttribute("door", .bool(false)), DeviceAttribute("iccid", .string("89014103211118510720")),
                DeviceAttribute("zone", .string("007")), DeviceAttribute("mnc", .string("02")), DeviceAttribute("flag", .string("TRUE")),
                DeviceAttribute("note", .string("hello world")), DeviceAttribute("exp", .double(1000)),
            ])
    }

    @Test("batt is batteryLevel in percent: whole numbers as .int, however written")
    func batteryLevel() throws {
        #expect(try osmandFix(located + "&batt=87.0").attributes == [DeviceAttribute("batteryLevel", .int(87))])
        #expect(try osmandFix(located + "&batt=87.5").attributes == [DeviceAttribute("batteryLevel", .double(87.5))])
        #expect(try osmandFix(located + "&batt=-1").attributes == [])
        #expect(
            try osmandFix(located + "&batt=87&charge=true").attributes == [
                DeviceAttribute("batteryLevel", .int(87)), DeviceAttribute("charge", .bool(true)),
            ])
    }

    @Test("names that would collide or carry no position data are not attributes")
    func skippedNames() throws {
        // All-digit names are Teltonika AVL ids in the attributes column; notificationToken is a push registration;
        // control characters and 65-byte names are junk.
        let long = String(repeating: "n", count: 65)
        let fix = try osmandFix(located + "&239=1&notificationToken=abc&=x&driverUniqueId=D-42&empty=&a%0Ab=1&\(long)=1")
        #expect(fix.attributes == [DeviceAttribute("driverUniqueId", .string("D-42"))])
    }

    @Test("a repeated parameter: the last value wins, in the first one's place")
    func repeatedParameter() throws {
        let fix = try osmandFix("id=1&lat=5&fuel=10&lon=2&speed=1&fuel=20&lat=1&speed=2")
        #expect(fix.latitude == 1)
        #expect(fix.speedKmh == 3.704)
        #expect(fix.attributes == [DeviceAttribute("fuel", .int(20))])
    }

    @Test("query and form body are read together")
    func queryAndForm() throws {
        let reports = try osmand(
            "POST", query: "id=48241179", contentType: "Application/X-WWW-Form-Urlencoded ; charset=UTF-8",
            body: "lat=52.52&lon=13.40&timestamp=1750001112")
        #expect(reports == [OsmAndReport(deviceID: "48241179", fix: DeviceFix(fixTime: 1_750_001_112_000, latitude: 52.52, longitude: 13.40))])
        // No Content-Type at all: a form, as Traccar reads it.
        #expect(try osmand("POST", body: "id=1&lat=1&lon=2").count == 1)
    }

    @Test("percent-decoding: UTF-8, + as space, %2B as plus, invalid UTF-8 replaced")
    func percentDecoding() throws {
        #expect(try osmand(query: "id=J%C3%BCrgen%2B1&lat=1&lon=2")[0].deviceID == "Jürgen+1")
        #expect(try osmandFix(located + "&alarm=low+battery").attributes == [DeviceAttribute("alarm", .string("low battery"))])
        #expect(try osmandFix(located + "&x=%FF").attributes == [DeviceAttribute("x", .string("\u{FFFD}"))])
    }

    @Test("JSON: transistorsoft's location fields at the top level (httpRootProperty \".\")")
    func jsonRootLocation() throws {
        let body =
            #"{"timestamp":"2025-06-15T13:45:12.862Z","coords":{"latitude":37.4219983,"longitude":-122.084,"speed":-1,"heading":-1},"device_id":48241179}"#
        let reports = try osmand("POST", contentType: "application/json", body: body)
        #expect(
            reports == [OsmAndReport(deviceID: "48241179", fix: DeviceFix(fixTime: 1_749_995_112_862, latitude: 37.4219983, longitude: -122.084))])
    }

    @Test("JSON: extras never override a field Traccar's mapping sets; nulls and nested values are skipped")
    func jsonExtras() throws {
        let body = #"""
            {"device_id":"1","location":{"coords":{"latitude":1,"longitude":2},"event":"geofence","alarm":"sos",
             "extras":{"event":"other","alarm":"general","heartbeat":true,"n":null,"o":{"a":1},"l":[1],"1234":5,"big":12345678901234567890}}}
            """#
        let fix = try osmand("POST", contentType: "application/json", body: body)[0].fix
        #expect(
            fix.attributes == [
                DeviceAttribute("event", .string("geofence")), DeviceAttribute("alarm", .string("sos")),
                DeviceAttribute("heartbeat", .bool(true)), DeviceAttribute("big", .string("12345678901234567890")),
            ])
    }

    @Test("JSON: battery level 0...1 to a rounded percent (Traccar truncates 0.29 to 28), -1 and junk omitted")
    func jsonBattery() throws {
        func level(_ value: String) throws -> [DeviceAttribute] {
            let body = #"{"device_id":"1","location":{"coords":{"latitude":1,"longitude":2},"battery":{"level":"# + value + "}}}"
            return try osmand("POST", contentType: "application/json", body: body)[0].fix.attributes
        }
        #expect(try level("0.29") == [DeviceAttribute("batteryLevel", .int(29))])
        #expect(try level("1") == [DeviceAttribute("batteryLevel", .int(100))])
        #expect(try level("0") == [DeviceAttribute("batteryLevel", .int(0))])
        #expect(try level("-1") == [])
        #expect(try level("1.5") == [])
    }

    @Test("JSON: string escapes, duplicate keys (the last wins) and whitespace")
    func jsonSyntax() throws {
        let body =
            " {\"device_id\" : \"a\\\"b\\u00e9\\ud83d\\ude00\" ,\n\"device_id\":\"x\\/y\", \"location\" : {\"coords\":{\"latitude\":1e0,\"longitude\":-0.5E+1}} }\r\n"
        let reports = try osmand("POST", contentType: "application/json", body: body)
        #expect(reports.map(\.deviceID) == ["x/y"])
        let escaped = "{\"device_id\":\"a\\\"b\\u00e9\\ud83d\\ude00\",\"location\":{\"coords\":{\"latitude\":1,\"longitude\":2}}}"
        #expect(try osmand("POST", contentType: "application/json", body: escaped)[0].deviceID == "a\"bé😀")
        #expect(reports[0].fix.longitude == -5)
    }

    @Test("JSON flat object (one SDK position without the array)")
    func jsonFlatObject() throws {
        let body = #"{"id":"7","lat":1.5,"lon":2.5,"timestamp":1750001112,"valid":false,"rpm":900,"tag":null}"#
        let fix = try osmand("POST", contentType: "application/json", body: body)[0].fix
        #expect(
            fix == DeviceFix(fixTime: 1_750_001_112_000, latitude: 1.5, longitude: 2.5, valid: false, attributes: [DeviceAttribute("rpm", .int(900))])
        )
    }

    @Test("an empty JSON body with a JSON content type falls back to the query")
    func emptyJSONBody() throws {
        #expect(try osmand("POST", query: located, contentType: "application/json").count == 1)
    }

    @Test("no input traps: truncations and byte flips of every fixture body and query only throw")
    func neverTraps() {
        var generator = SeededGenerator(seed: 0x05A4_D0C0)
        for fixture in OsmAndFixtures.all {
            let body = Array(fixture.body.utf8)
            let query = Array(fixture.query.utf8)
            for cut in stride(from: 0, through: body.count, by: max(1, body.count / 40)) {
                _ = osmandError("POST", contentType: fixture.contentType, body: Array(body[..<cut]))
            }
            for cut in 0...query.count {
                _ = osmandError(query: String(decoding: query[..<cut], as: UTF8.self))
            }
            for _ in 0..<200 where !body.isEmpty {
                var mutated = body
                for _ in 0..<3 {
                    mutated[Int(generator.next() % UInt64(mutated.count))] = UInt8(truncatingIfNeeded: generator.next())
                }
                _ = osmandError("POST", contentType: fixture.contentType, body: mutated)
            }
        }
    }
}
