import Foundation
import Testing

@testable import GeoFleetAPI

/// The nearby answer is written by hand: it must read back as the schema's shape, values intact.
@Suite struct MapResponseJSONTests {
    @Test func nearbyReadsBackWithItsValues() throws {
        let response = MapRoutes.NearbyResponse(vehicles: [
            .init(vehicleId: "0b0e7c5e-6f57-4a5e-9d7e-1f2a3b4c5d6e", distanceKm: 12.34, lat: 44.4268, long: 26.1025, timestamp: 1_800_000_000_123),
            .init(vehicleId: "1c1f8d6f-7a68-4b6f-8e8f-2a3b4c5d6e7f", distanceKm: 0, lat: -0.5, long: 180, timestamp: 0),
        ])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.json())) as? [String: Any])
        #expect(Set(object.keys) == ["vehicles"])
        let vehicles = try #require(object["vehicles"] as? [[String: Any]])
        #expect(vehicles.count == 2)
        #expect(Set(vehicles[0].keys) == ["vehicleId", "distanceKm", "lat", "long", "timestamp"])
        #expect(vehicles[0]["vehicleId"] as? String == "0b0e7c5e-6f57-4a5e-9d7e-1f2a3b4c5d6e")
        #expect(vehicles[0]["distanceKm"] as? Double == 12.34)
        #expect(vehicles[0]["lat"] as? Double == 44.4268)
        #expect(vehicles[0]["long"] as? Double == 26.1025)
        #expect(vehicles[0]["timestamp"] as? String == "2027-01-15T08:00:00.123Z")
        #expect(vehicles[1]["lat"] as? Double == -0.5)
        #expect(vehicles[1]["long"] as? Double == 180)
        #expect(vehicles[1]["timestamp"] as? String == "1970-01-01T00:00:00.000Z")
    }

    @Test func nearbyWithNothingFoundIsAnEmptyList() {
        #expect(String(decoding: MapRoutes.NearbyResponse(vehicles: []).json(), as: UTF8.self) == #"{"vehicles":[]}"#)
    }
}
