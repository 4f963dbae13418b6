import GeoFleetCore
import Foundation

/// Fleets clustered around 40 European cities, and pickup points: the same numbers for every run.
enum EuropeanFleet {
    struct City: Sendable {
        var name: String
        var latitude: Double
        var longitude: Double
        var weight: Double
    }

    struct Point: Sendable {
        var latitude: Double
        var longitude: Double
    }

    /// Weights are rough metro sizes.
    static let cities: [City] = [
        City(name: "London", latitude: 51.507, longitude: -0.128, weight: 9),
        City(name: "Paris", latitude: 48.857, longitude: 2.352, weight: 9),
        City(name: "Berlin", latitude: 52.520, longitude: 13.405, weight: 6),
        City(name: "Madrid", latitude: 40.417, longitude: -3.704, weight: 6),
        City(name: "Rome", latitude: 41.903, longitude: 12.496, weight: 5),
        City(name: "Milan", latitude: 45.464, longitude: 9.190, weight: 5),
        City(name: "Barcelona", latitude: 41.385, longitude: 2.173, weight: 5),
        City(name: "Hamburg", latitude: 53.551, longitude: 9.994, weight: 3),
        City(name: "Munich", latitude: 48.137, longitude: 11.576, weight: 3),
        City(name: "Frankfurt", latitude: 50.110, longitude: 8.682, weight: 3),
        City(name: "Vienna", latitude: 48.208, longitude: 16.373, weight: 3),
        City(name: "Warsaw", latitude: 52.230, longitude: 21.012, weight: 3),
        City(name: "Bucharest", latitude: 44.427, longitude: 26.103, weight: 3),
        City(name: "Budapest", latitude: 47.498, longitude: 19.040, weight: 3),
        City(name: "Prague", latitude: 50.076, longitude: 14.438, weight: 2),
        City(name: "Amsterdam", latitude: 52.368, longitude: 4.904, weight: 2),
        City(name: "Brussels", latitude: 50.850, longitude: 4.352, weight: 2),
        City(name: "Lisbon", latitude: 38.722, longitude: -9.139, weight: 2),
        City(name: "Athens", latitude: 37.984, longitude: 23.728, weight: 3),
        City(name: "Stockholm", latitude: 59.329, longitude: 18.069, weight: 2),
        City(name: "Copenhagen", latitude: 55.676, longitude: 12.568, weight: 2),
        City(name: "Oslo", latitude: 59.914, longitude: 10.752, weight: 1),
        City(name: "Helsinki", latitude: 60.170, longitude: 24.938, weight: 1),
        City(name: "Dublin", latitude: 53.350, longitude: -6.260, weight: 1),
        City(name: "Lyon", latitude: 45.764, longitude: 4.836, weight: 2),
        City(name: "Marseille", latitude: 43.296, longitude: 5.370, weight: 2),
        City(name: "Turin", latitude: 45.070, longitude: 7.687, weight: 1),
        City(name: "Naples", latitude: 40.852, longitude: 14.268, weight: 2),
        City(name: "Zurich", latitude: 47.377, longitude: 8.542, weight: 1),
        City(name: "Cologne", latitude: 50.938, longitude: 6.960, weight: 2),
        City(name: "Sofia", latitude: 42.698, longitude: 23.322, weight: 1),
        City(name: "Belgrade", latitude: 44.787, longitude: 20.457, weight: 1),
        City(name: "Krakow", latitude: 50.065, longitude: 19.945, weight: 1),
        City(name: "Manchester", latitude: 53.481, longitude: -2.243, weight: 2),
        City(name: "Birmingham", latitude: 52.486, longitude: -1.890, weight: 2),
        City(name: "Valencia", latitude: 39.470, longitude: -0.376, weight: 1),
        City(name: "Seville", latitude: 37.389, longitude: -5.984, weight: 1),
        City(name: "Porto", latitude: 41.158, longitude: -8.629, weight: 1),
        City(name: "Cluj-Napoca", latitude: 46.771, longitude: 23.624, weight: 1),
        City(name: "Riga", latitude: 56.950, longitude: 24.105, weight: 1),
    ]

    /// Europe's bounding box for the uniform share.
    static let south = 36.0, north = 61.0, west = -10.0, east = 30.0

    /// A point near a city, normally distributed in both axes (Box-Muller).
    static func nearCity<G: RandomNumberGenerator>(_ city: City, sigmaKm: Double, using g: inout G) -> Point {
        let u1 = max(Double.random(in: 0..<1, using: &g), 1e-12)
        let u2 = Double.random(in: 0..<1, using: &g)
        let r = (-2 * log(u1)).squareRoot() * sigmaKm
        let dx = r * cos(2 * .pi * u2), dy = r * sin(2 * .pi * u2)
        let lat = city.latitude + dy / 111.2
        let lon = city.longitude + dx / (111.2 * cos(city.latitude * .pi / 180))
        return Point(latitude: lat, longitude: lon)
    }

    static func pickCity<G: RandomNumberGenerator>(using g: inout G) -> City {
        let total = cities.reduce(0) { $0 + $1.weight }
        var x = Double.random(in: 0..<total, using: &g)
        for c in cities {
            x -= c.weight
            if x < 0 { return c }
        }
        return cities[cities.count - 1]
    }

    /// `count` positions: 70 % around cities (sigma 40 km), 30 % uniform over Europe.
    static func vehicles(count: Int, seed: UInt64) -> [Point] {
        var g = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            if Double.random(in: 0..<1, using: &g) < 0.7 {
                return nearCity(pickCity(using: &g), sigmaKm: 40, using: &g)
            }
            return Point(latitude: Double.random(in: south..<north, using: &g), longitude: Double.random(in: west..<east, using: &g))
        }
    }

    /// Pickup points: 80 % near cities (sigma 20 km), 20 % uniform over Europe.
    static func pickups(count: Int, seed: UInt64) -> [Point] {
        var g = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            if Double.random(in: 0..<1, using: &g) < 0.8 {
                return nearCity(pickCity(using: &g), sigmaKm: 20, using: &g)
            }
            return Point(latitude: Double.random(in: south..<north, using: &g), longitude: Double.random(in: west..<east, using: &g))
        }
    }
}
