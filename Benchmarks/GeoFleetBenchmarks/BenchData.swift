import GeoFleetCore

/// The one dataset every hot-index and Redis benchmark uses, so their numbers compare like for like.
enum BenchData {
    static let vehicleCount = 100_000
    static let radiusMeters = 50_000.0
    static let limit = 10
    /// Vehicles' starting positions (seed 42).
    static let vehicles = EuropeanFleet.vehicles(count: vehicleCount, seed: 42)
    /// The same vehicles moved by up to ~1 km: updates alternate between the two sets so each one is a real move.
    static let moved: [EuropeanFleet.Point] = {
        var g = SeededGenerator(seed: 4242)
        return vehicles.map {
            EuropeanFleet.Point(
                latitude: $0.latitude + .random(in: -0.01...0.01, using: &g),
                longitude: $0.longitude + .random(in: -0.01...0.01, using: &g))
        }
    }()
    /// Pickup points for nearest queries (seed 7).
    static let pickups = EuropeanFleet.pickups(count: 10_000, seed: 7)

    /// Position of update number `n` (vehicle n mod count, alternating sets every pass).
    @inline(__always)
    static func update(_ n: Int) -> (vehicle: Int, point: EuropeanFleet.Point) {
        let v = n % vehicleCount
        return (v, (n / vehicleCount) % 2 == 0 ? moved[v] : vehicles[v])
    }

    /// Mean number of vehicles within the radius of the first 200 pickups (brute force; describes density).
    static func meanWithinRadius() -> Double {
        var total = 0
        for q in pickups.prefix(200) {
            for p in vehicles
            where GreatCircle.distanceMeters(lat1: q.latitude, lon1: q.longitude, lat2: p.latitude, lon2: p.longitude) <= radiusMeters {
                total += 1
            }
        }
        return Double(total) / 200
    }
}
