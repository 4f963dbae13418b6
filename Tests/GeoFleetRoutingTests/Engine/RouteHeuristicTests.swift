import GeoFleetCore
import Testing
@testable import GeoFleetRouting

/// The fallback estimate: banded circuity, class speeds, an error band that holds the value.
@Suite struct RouteHeuristicTests {
    let heuristic = RouteHeuristic()
    let bucharest = GeoPoint(latitude: 44.4268, longitude: 26.1025)
    let cluj = GeoPoint(latitude: 46.7712, longitude: 23.6236)

    @Test("Bucharest–Cluj (~324 km straight): 1.22 × crow, truck slower than car, band around the value")
    func longHaul() {
        let crow = GreatCircle.distanceMeters(lat1: bucharest.latitude, lon1: bucharest.longitude, lat2: cluj.latitude, lon2: cluj.longitude)
        let car = heuristic.estimate(from: bucharest, to: cluj, profile: VehicleProfile(vehicleClass: .car))
        let truck = heuristic.estimate(from: bucharest, to: cluj, profile: VehicleProfile(vehicleClass: .articulated))
        #expect(abs(car.distanceMeters - crow * 1.22) < 1)
        #expect(truck.distanceMeters == car.distanceMeters)
        #expect(truck.durationSeconds > car.durationSeconds)
        // The road is ~450 km (DN1/A1); the band must hold it.
        #expect(car.distanceRange.contains(450_000))
        #expect(car.durationRange.contains(car.durationSeconds))
    }

    @Test("short urban legs get a higher factor and a wider band than long ones")
    func bands() {
        let near = GeoPoint(latitude: 44.4368, longitude: 26.1025)
        let short = heuristic.estimate(from: bucharest, to: near, profile: VehicleProfile(vehicleClass: .car))
        #expect(short.distanceMeters / 1_112 > 1.6)
        let width = (short.distanceRange.upperBound - short.distanceRange.lowerBound) / short.distanceMeters
        #expect(width > 0.9)
        #expect(short.distanceRange.lowerBound >= 1_111)
    }
}
