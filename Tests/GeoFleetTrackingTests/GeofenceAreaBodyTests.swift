import Foundation
import GeoFleetFences
import Testing
@testable import GeoFleetTracking

/// The API's `area` object to the evaluator's areas and back.
@Suite struct GeofenceAreaBodyTests {
    func decode(_ json: String) throws -> GeofenceAreaBody {
        try JSONDecoder().decode(GeofenceAreaBody.self, from: Data(json.utf8))
    }

    @Test func circleRoundTrip() throws {
        let body = try decode(#"{"type":"circle","center":{"lat":44.43,"long":26.1},"radiusMeters":250}"#)
        let area = try body.area()
        #expect(area == .circle(center: .init(latitude: 44.43, longitude: 26.1), radiusMeters: 250))
        #expect(GeofenceAreaBody(area) == body)
    }

    @Test func polygonWithHoleAndCorridor() throws {
        let polygon = try decode(
            #"{"type":"polygon","coordinates":[[[26.0,44.0],[26.1,44.0],[26.1,44.1],[26.0,44.1],[26.0,44.0]],[[26.04,44.04],[26.06,44.04],[26.06,44.06],[26.04,44.04]]]}"#
        )
        guard case .polygon(let rings) = try polygon.area() else {
            Issue.record("not a polygon")
            return
        }
        #expect(rings.count == 2)
        #expect(rings[0][1].longitude == 26.1 && rings[0][1].latitude == 44.0)
        let corridor = try decode(#"{"type":"corridor","line":[[26.0,44.0],[26.2,44.1]],"widthMeters":100}"#)
        #expect(
            try corridor.area()
                == .corridor(line: [.init(latitude: 44.0, longitude: 26.0), .init(latitude: 44.1, longitude: 26.2)], widthMeters: 100))
    }

    @Test(
        "refusals name what is wrong",
        arguments: [
            (#"{"type":"square","center":{"lat":1,"long":1},"radiusMeters":5}"#, "circle, polygon or corridor"),
            (#"{"type":"circle","center":{"lat":1,"long":1}}"#, "radiusMeters"),
            (#"{"type":"circle","center":{"lat":1,"long":1},"radiusMeters":5,"widthMeters":3}"#, "nothing else"),
            (#"{"type":"polygon","coordinates":[[[1]]]}"#, "[long, lat]"),
            (#"{"type":"corridor","line":[[1,1],[2,2]]}"#, "widthMeters"),
        ])
    func refusals(json: String, expected: String) throws {
        let body = try decode(json)
        do {
            _ = try body.area()
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
        }
    }

    @Test("a self-intersecting ring is refused with its reason; the GeoJSON for PostGIS closes open rings")
    func bowtieAndGeoJSON() throws {
        let bowtie = try decode(#"{"type":"polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}"#)
        #expect(throws: FenceAreaError.self) { try bowtie.area() }
        let open = FenceArea.polygon(rings: [[.init(latitude: 0, longitude: 0), .init(latitude: 0, longitude: 1), .init(latitude: 1, longitude: 1)]])
        let shape = open.postgisShape
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(shape.geoJSON.utf8)) as? [String: Any])
        #expect(parsed["type"] as? String == "Polygon")
        #expect(parsed["coordinates"] as? [[[Double]]] == [[[0, 0], [1, 0], [1, 1], [0, 0]]])
        #expect(shape.buffer == 0)
        #expect(
            FenceArea.corridor(line: [.init(latitude: 0, longitude: 0), .init(latitude: 1, longitude: 1)], widthMeters: 60).postgisShape.buffer == 30)
    }

    @Test("event ids are the same for the same cause and differ otherwise")
    func eventIdentity() {
        let a = EventIdentity.id("geofence_enter", "7", "fence", "1000")
        #expect(a == EventIdentity.id("geofence_enter", "7", "fence", "1000"))
        #expect(a != EventIdentity.id("geofence_enter", "7", "fence", "1001"))
        // Parts are separated: ("ab", "c") is not ("a", "bc").
        #expect(EventIdentity.id("ab", "c") != EventIdentity.id("a", "bc"))
        #expect(a.uuidString.dropFirst(14).first == "8")
    }
}
