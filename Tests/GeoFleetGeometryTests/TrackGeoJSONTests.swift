import Foundation
import GeoFleetCore
import Testing
@testable import GeoFleetGeometry

/// RFC 7946 output, checked by parsing it back with JSONSerialization.
@Suite struct TrackGeoJSONTests {
    func parse(_ json: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test func trackAndStops() throws {
        let points = [
            TrackPoint(time: t0, latitude: 44.4268, longitude: 26.1025, speedKmh: 0, heading: 10),
            TrackPoint(time: t0 + 60_000, latitude: 44.43, longitude: 26.123456789, speedKmh: 42.5, heading: 20),
            TrackPoint(time: t0 + 120_000, latitude: 44.44, longitude: 26.13, speedKmh: .nan, heading: 30),
        ]
        let stop = TrackStop(latitude: 44.44, longitude: 26.13, start: t0 + 120_000, end: t0 + 1_320_000, durationSeconds: 1_200, pointCount: 9)
        let id = "veh \"7\"\\\n\u{01}é"
        let json = TrackGeoJSON.featureCollection(vehicleId: id, points: points, stops: [stop], distanceMetres: 2_345.678)
        #expect(json.contains("[26.1234568,44.43]")) // [lon, lat], 7 decimals

        let root = try parse(json)
        #expect(root["type"] as? String == "FeatureCollection")
        let features = try #require(root["features"] as? [[String: Any]])
        #expect(features.count == 2)

        let track = features[0]
        #expect(track["type"] as? String == "Feature")
        let geometry = try #require(track["geometry"] as? [String: Any])
        #expect(geometry["type"] as? String == "LineString")
        let coordinates = try #require(geometry["coordinates"] as? [[Double]])
        #expect(coordinates.count == 3)
        #expect(coordinates[0] == [26.1025, 44.4268])
        #expect(coordinates[1] == [26.1234568, 44.43])
        let properties = try #require(track["properties"] as? [String: Any])
        #expect(properties["kind"] as? String == "track")
        #expect(properties["vehicleId"] as? String == id)
        #expect(properties["timestamps"] as? [String] == points.map { UTCTime.iso8601(milliseconds: $0.time) })
        #expect((properties["timestamps"] as? [String])?.first == "2026-11-26T08:00:00.000Z")
        let speeds = try #require(properties["speeds"] as? [Any])
        #expect(speeds.count == 3 && speeds[1] as? Double == 42.5 && speeds[2] is NSNull)
        #expect(properties["distanceMetres"] as? Double == 2_345.68)

        let stopFeature = features[1]
        let stopGeometry = try #require(stopFeature["geometry"] as? [String: Any])
        #expect(stopGeometry["type"] as? String == "Point")
        #expect(stopGeometry["coordinates"] as? [Double] == [26.13, 44.44])
        let stopProperties = try #require(stopFeature["properties"] as? [String: Any])
        #expect(stopProperties["kind"] as? String == "stop")
        #expect(stopProperties["start"] as? String == "2026-11-26T08:02:00.000Z")
        #expect(stopProperties["end"] as? String == "2026-11-26T08:22:00.000Z")
        #expect(stopProperties["durationSeconds"] as? Int == 1_200)
        #expect(stopProperties["pointCount"] as? Int == 9)
    }

    @Test func onePointIsAPointAndNoneIsEmpty() throws {
        let one = TrackGeoJSON.featureCollection(
            vehicleId: "v1", points: [TrackPoint(time: t0, latitude: -33.9, longitude: 151.2)], stops: [], distanceMetres: 0)
        let features = try #require(try parse(one)["features"] as? [[String: Any]])
        #expect(features.count == 1)
        let geometry = try #require(features[0]["geometry"] as? [String: Any])
        #expect(geometry["type"] as? String == "Point")
        #expect(geometry["coordinates"] as? [Double] == [151.2, -33.9])

        let none = TrackGeoJSON.featureCollection(vehicleId: "v1", points: [], stops: [], distanceMetres: 0)
        #expect(none == #"{"type":"FeatureCollection","features":[]}"#)
        #expect((try parse(none)["features"] as? [Any])?.isEmpty == true)
    }

    @Test func fixedPointNumbers() {
        func format(_ v: Double, _ decimals: Int = 7) -> String {
            var w = JSONWriter()
            w.number(v, decimals: decimals)
            return w.text
        }
        #expect(format(1) == "1")
        #expect(format(180) == "180")
        #expect(format(-12.3456789012) == "-12.3456789")
        #expect(format(0.0000001) == "0.0000001")
        #expect(format(-0.00000004) == "0")
        #expect(format(-0.0) == "0")
        #expect(format(10.05, 2) == "10.05")
        #expect(format(.infinity) == "null")
    }
}
