import Foundation
import GeoFleetCore
import GeoFleetFences

/// Fences and driving vehicles over Europe for `geofleet-bench fences`: each user's fences and vehicles in one region.
struct SyntheticFences {
    /// One user's region: a centre and a half-size in degrees of latitude.
    struct Region {
        var owner: String
        var center: GeoPoint
        var halfLatitude: Double
    }

    /// Fixes laid out column-wise so the timed loop reads plain arrays.
    struct Fixes {
        var vehicle: [Int32] = []
        var latitude: [Double] = []
        var longitude: [Double] = []
        var time: [Int64] = []
        var speedKmh: [Double] = []
        var accuracy: [Double] = []
    }

    static let metresPerDegree = GreatCircle.earthRadiusMeters * Double.pi / 180

    var rng: SeededGenerator
    let regions: [Region]

    init(users: Int, seed: UInt64) {
        rng = SeededGenerator(seed: seed)
        var regions: [Region] = []
        for u in 0..<users {
            // Europe: lat 36…70, long −10…40; a region is about 200 km across.
            let center = GeoPoint(latitude: Double.random(in: 37...69, using: &rng), longitude: Double.random(in: -9...39, using: &rng))
            regions.append(Region(owner: "user-\(u)", center: center, halfLatitude: 0.9))
        }
        self.regions = regions
    }

    mutating func point(in region: Region) -> GeoPoint {
        let dLat = Double.random(in: -region.halfLatitude...region.halfLatitude, using: &rng)
        let dLon = Double.random(in: -region.halfLatitude...region.halfLatitude, using: &rng) / cos(region.center.latitude * Double.pi / 180)
        return GeoPoint(latitude: region.center.latitude + dLat, longitude: region.center.longitude + dLon)
    }

    static func offset(_ p: GeoPoint, east: Double, north: Double) -> GeoPoint {
        GeoPoint(
            latitude: p.latitude + north / metresPerDegree,
            longitude: p.longitude + east / (metresPerDegree * cos(p.latitude * Double.pi / 180)))
    }

    /// A third each: circles of 200 m–5 km, 20-corner star polygons of 200 m–3 km, 50-vertex corridors of 20–500 m width;
    /// some with a speed limit, some with a dwell time.
    mutating func fence(_ n: Int) -> Fence {
        let region = regions[n % regions.count]
        let at = point(in: region)
        let area: FenceArea
        switch n % 3 {
        case 0:
            area = .circle(center: at, radiusMeters: Double.random(in: 200...5_000, using: &rng))
        case 1:
            let size = Double.random(in: 200...3_000, using: &rng)
            area = .polygon(
                rings: [
                    (0..<20).map { k in
                        let angle = Double(k) / 20 * 2 * Double.pi
                        let r = size * Double.random(in: 0.5...1, using: &rng)
                        return Self.offset(at, east: r * cos(angle), north: r * sin(angle))
                    }
                ])
        default:
            var heading = Double.random(in: 0..<(2 * Double.pi), using: &rng)
            var p = at
            var line = [p]
            for _ in 1..<50 {
                heading += Double.random(in: -0.3...0.3, using: &rng)
                let step = Double.random(in: 100...600, using: &rng)
                p = Self.offset(p, east: step * cos(heading), north: step * sin(heading))
                line.append(p)
            }
            area = .corridor(line: line, widthMeters: Double.random(in: 20...500, using: &rng))
        }
        let roll = Double.random(in: 0..<1, using: &rng)
        return Fence(
            id: UUID(), owner: region.owner, area: area, speedLimitKmh: roll < 0.3 ? Double.random(in: 30...90, using: &rng) : nil,
            dwellSeconds: roll > 0.7 ? Int64.random(in: 60...900, using: &rng) : nil)
    }

    /// Vehicles round-robin, each fix 50–500 m on from the last along a slowly turning heading, 30 s apart.
    mutating func fixes(vehicles: Int, count: Int, start: Int64) -> Fixes {
        var positions: [GeoPoint] = []
        var headings: [Double] = []
        for v in 0..<vehicles {
            positions.append(point(in: regions[v % regions.count]))
            headings.append(Double.random(in: 0..<(2 * Double.pi), using: &rng))
        }
        var fixes = Fixes()
        for i in 0..<count {
            let v = i % vehicles
            let step = Double.random(in: 50...500, using: &rng)
            headings[v] += Double.random(in: -0.4...0.4, using: &rng)
            positions[v] = Self.offset(positions[v], east: step * cos(headings[v]), north: step * sin(headings[v]))
            // Keep each vehicle in its owner's region: turn back when it strays.
            let home = regions[v % regions.count]
            if abs(positions[v].latitude - home.center.latitude) > home.halfLatitude * 1.2 { headings[v] = -headings[v] }
            if abs(positions[v].longitude - home.center.longitude) > home.halfLatitude * 2 { headings[v] = Double.pi - headings[v] }
            fixes.vehicle.append(Int32(v))
            fixes.latitude.append(positions[v].latitude)
            fixes.longitude.append(positions[v].longitude)
            fixes.time.append(start + Int64(i / vehicles + 1) * 30_000)
            fixes.speedKmh.append(step / 30 * 3.6 * Double.random(in: 0.8...1.6, using: &rng))
            fixes.accuracy.append(Double.random(in: 3...30, using: &rng))
        }
        return fixes
    }
}
