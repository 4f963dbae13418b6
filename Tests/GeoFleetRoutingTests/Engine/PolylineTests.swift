import GeoFleetCore
import Testing
@testable import GeoFleetRouting

/// Google's polyline algorithm, checked against Google's documented example.
@Suite struct PolylineTests {
    let points = [
        GeoPoint(latitude: 38.5, longitude: -120.2), GeoPoint(latitude: 40.7, longitude: -120.95),
        GeoPoint(latitude: 43.252, longitude: -126.453),
    ]

    @Test("Google's example encodes to _p~iF~ps|U_ulLnnqC_mqNvxq`@")
    func googleExample() {
        #expect(Polyline.encode(points) == "_p~iF~ps|U_ulLnnqC_mqNvxq`@")
    }

    @Test("round trip at precision 5 and 6; garbage decodes to nil")
    func roundTrip() throws {
        let decoded = try #require(Polyline.decode(Polyline.encode(points, precision: 6), precision: 6))
        #expect(decoded == points)
        #expect(Polyline.decode("_p~iF~ps|U_") == nil)
        #expect(Polyline.decode(" ") == nil)
    }
}
