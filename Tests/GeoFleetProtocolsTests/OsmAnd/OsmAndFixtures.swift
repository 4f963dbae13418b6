import Foundation
import GeoFleetCore
import GeoFleetPlatform
import GeoFleetProtocols

/// One real request from fixtures/osmand/osmand.json (copied from Traccar's and Traccar Client's tests, or
/// built the way a client's source builds it; `source` says which) with the positions it must yield.
struct OsmAndFixture: Decodable, Sendable, CustomStringConvertible {
    let name: String
    let source: String
    let method: String
    let query: String
    let contentType: String?
    let body: String
    let expect: [ExpectedFix]?
    /// The `OsmAndError` description, for requests that must be refused.
    let error: String?

    var description: String { name }

    func parse() throws(OsmAndError) -> [OsmAndReport] {
        try OsmAnd.parse(method: method, query: query, contentType: contentType, body: Array(body.utf8), now: OsmAndFixtures.now)
    }
}

/// A position as the fixture spells it; omitted fields take the defaults a bare request yields.
struct ExpectedFix: Decodable, Sendable {
    let deviceID: String
    let fixTime: Int64
    let lat: Double
    let lon: Double
    let speedKmh: Double
    let heading: Double
    let altitude: Double
    let accuracy: Double?
    let hdop: Double?
    let valid: Bool
    let attributes: [DeviceAttribute]

    private enum CodingKeys: String, CodingKey {
        case deviceID, fixTime, lat, lon, speedKmh, heading, altitude, accuracy, hdop, valid, attributes
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        deviceID = try c.decode(String.self, forKey: .deviceID)
        if let ms = try? c.decode(Int64.self, forKey: .fixTime) {
            fixTime = ms
        } else {
            let text = try c.decode(String.self, forKey: .fixTime)
            guard let ms = text == "now" ? OsmAndFixtures.now : OsmAndFixtures.milliseconds(iso: text) else {
                throw DecodingError.dataCorruptedError(forKey: .fixTime, in: c, debugDescription: "bad fixTime \(text)")
            }
            fixTime = ms
        }
        lat = try c.decode(Double.self, forKey: .lat)
        lon = try c.decode(Double.self, forKey: .lon)
        speedKmh = try c.decodeIfPresent(Double.self, forKey: .speedKmh) ?? 0
        heading = try c.decodeIfPresent(Double.self, forKey: .heading) ?? 0
        altitude = try c.decodeIfPresent(Double.self, forKey: .altitude) ?? 0
        accuracy = try c.decodeIfPresent(Double.self, forKey: .accuracy)
        hdop = try c.decodeIfPresent(Double.self, forKey: .hdop)
        valid = try c.decodeIfPresent(Bool.self, forKey: .valid) ?? true
        attributes = try (c.decodeIfPresent([ExpectedAttribute].self, forKey: .attributes) ?? []).map(\.attribute)
    }
}

/// `{"name": "rpm", "int": 933}`: the JSON key names the `AttributeValue` case, so 1 and 1.0 stay distinct.
private struct ExpectedAttribute: Decodable {
    let name: String
    let int: Int64?
    let double: Double?
    let bool: Bool?
    let string: String?

    var attribute: DeviceAttribute {
        let value: AttributeValue =
            if let int { .int(int) } else if let double { .double(double) } else if let bool { .bool(bool) } else { .string(string ?? "") }
        return DeviceAttribute(name, value)
    }
}

enum OsmAndFixtures {
    private struct File: Decodable {
        let now: Int64
        let requests: [OsmAndFixture]
    }

    private static let file = FixtureFile.load(File.self, "osmand/osmand.json")

    /// The clock value passed as `now`; the fixture's "now" must match it.
    static let now: Int64 = 1_767_225_600_000 // 2026-01-01T00:00:00Z

    static var all: [OsmAndFixture] { file.requests }
    static var fileNow: Int64 { file.now }
    static var accepted: [OsmAndFixture] { all.filter { $0.expect != nil } }
    static var refused: [OsmAndFixture] { all.filter { $0.error != nil } }

    static func named(_ name: String) -> OsmAndFixture {
        guard let fixture = all.first(where: { $0.name == name }) else { fatalError("no fixture named \(name)") }
        return fixture
    }

    /// Foundation's ISO 8601 reader, independent of `UTCTime`, for expected values.
    static func milliseconds(iso text: String) -> Int64? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = text.contains(".") ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        guard let date = formatter.date(from: text) else { return nil }
        return WallClock.milliseconds(date)
    }
}

/// Parses a request given inline (tests of single rules).
func osmand(
    _ method: String = "GET", query: String = "", contentType: String? = nil, body: String = "", now: Int64 = OsmAndFixtures.now
) throws(OsmAndError) -> [OsmAndReport] {
    try OsmAnd.parse(method: method, query: query, contentType: contentType, body: Array(body.utf8), now: now)
}

/// The single position of an inline request.
func osmandFix(_ query: String, now: Int64 = OsmAndFixtures.now) throws(OsmAndError) -> DeviceFix {
    let reports = try osmand(query: query, now: now)
    return reports[0].fix
}

/// The error an inline request is refused with, or nil if it is accepted.
func osmandError(
    _ method: String = "GET", query: String = "", contentType: String? = nil, body: [UInt8]
) -> OsmAndError? {
    do {
        _ = try OsmAnd.parse(method: method, query: query, contentType: contentType, body: body, now: OsmAndFixtures.now)
        return nil
    } catch {
        return error
    }
}

func osmandError(_ method: String = "GET", query: String = "", contentType: String? = nil, body: String = "") -> OsmAndError? {
    osmandError(method, query: query, contentType: contentType, body: Array(body.utf8))
}
