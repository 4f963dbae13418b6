import GeoFleetCore
@testable import GeoFleetHotIndex

/// The reference answer: every fix's haversine distance, filtered and fully sorted.
func bruteForceNearest(_ fixes: [HotFix], latitude: Double, longitude: Double, limit: Int, maxDistanceMeters: Double) -> [(
    key: Int64, distance: Double
)] {
    let all = fixes.map {
        (key: $0.vehicleKey, distance: GreatCircle.distanceMeters(lat1: latitude, lon1: longitude, lat2: $0.latitude, lon2: $0.longitude))
    }
    return Array(
        all.filter { $0.distance <= maxDistanceMeters }
            .sorted { $0.distance < $1.distance || ($0.distance == $1.distance && $0.key < $1.key) }
            .prefix(limit))
}

/// Whether an index answer equals the brute-force one: same distances in the same order, and the same
/// vehicles except where distances tie within a nanometre (then any of the tied vehicles is right).
func matches(_ got: [NearbyVehicle], _ expected: [(key: Int64, distance: Double)]) -> Bool {
    guard got.count == expected.count else { return false }
    for (g, e) in zip(got, expected) {
        if abs(g.distanceMeters - e.distance) > 1e-6 { return false }
        if g.fix.vehicleKey != e.key, !expected.contains(where: { $0.key == g.fix.vehicleKey && abs($0.distance - g.distanceMeters) < 1e-6 }) {
            return false
        }
    }
    return Set(got.map(\.fix.vehicleKey)).count == got.count
}
