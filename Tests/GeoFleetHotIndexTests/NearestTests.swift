import GeoFleetCore
import Testing
@testable import GeoFleetHotIndex

/// nearest(...) against a brute-force haversine sort, in the places grids usually get wrong.
@Suite struct NearestTests {
    struct Scenario: Sendable, CustomStringConvertible {
        var name: String
        var latitudes: ClosedRange<Double>
        /// Longitudes, possibly two bands (across the antimeridian).
        var longitudes: [ClosedRange<Double>]
        var cellDegrees: Double
        var description: String { "\(name) @\(cellDegrees)°" }
    }

    static let scenarios: [Scenario] = [
        Scenario(name: "antimeridian", latitudes: -60...60, longitudes: [177...180, -180...(-177)], cellDegrees: 0.25),
        Scenario(name: "antimeridian fine", latitudes: -5...5, longitudes: [179.5...180, -180...(-179.5)], cellDegrees: 0.05),
        Scenario(name: "arctic", latitudes: 80...90, longitudes: [-180...180], cellDegrees: 0.25),
        Scenario(name: "antarctic", latitudes: -90...(-84), longitudes: [-180...180], cellDegrees: 0.1),
        Scenario(name: "globe", latitudes: -90...90, longitudes: [-180...180], cellDegrees: 1),
        Scenario(name: "europe", latitudes: 36...61, longitudes: [-10...30], cellDegrees: HotPositions.defaultCellDegrees),
    ]

    @Test(arguments: scenarios)
    func nearestEqualsBruteForce(_ scenario: Scenario) {
        var g = SeededGenerator(seed: UInt64(scenario.name.utf8.reduce(7) { $0 &* 31 &+ Int($1) }))
        let hot = HotPositions(cellDegrees: scenario.cellDegrees)
        func randomPoint() -> (Double, Double) {
            let band = scenario.longitudes[Int.random(in: 0..<scenario.longitudes.count, using: &g)]
            return (Double.random(in: scenario.latitudes, using: &g), Double.random(in: band, using: &g))
        }
        var fixes: [HotFix] = []
        for key in 0..<4000 {
            let (lat, lon) = randomPoint()
            let fix = HotFix(vehicleKey: Int64(key), latitude: lat, longitude: lon, fixTime: 1)
            fixes.append(fix)
            hot.update(fix, owner: "o")
        }
        // A few exact poles and antimeridian points, and duplicates (exact ties).
        for (i, p) in [(90.0, 0.0), (-90.0, 17.0), (0.0, 180.0), (0.0, -180.0), (fixes[0].latitude, fixes[0].longitude)].enumerated() {
            let fix = HotFix(vehicleKey: Int64(10_000 + i), latitude: p.0, longitude: p.1, fixTime: 1)
            fixes.append(fix)
            hot.update(fix, owner: "o")
        }
        #expect(hot.count == fixes.count)
        let radii: [Double] = [500, 5_000, 50_000, 300_000, 2_000_000, 20_100_000, .infinity]
        var failures = 0
        for q in 0..<300 {
            var (lat, lon) = randomPoint()
            if q % 25 == 0 { lat = q % 50 == 0 ? 90 : -90 }
            if q % 20 == 1 { lon = q % 40 == 1 ? 180 : -180 }
            let limit = [1, 10, 10, 50][q % 4]
            let radius = radii[q % radii.count]
            let got = hot.nearest(owner: "o", latitude: lat, longitude: lon, limit: limit, maxDistanceMeters: radius)
            let expected = bruteForceNearest(fixes, latitude: lat, longitude: lon, limit: limit, maxDistanceMeters: radius)
            if !matches(got, expected) {
                failures += 1
                if failures <= 3 {
                    Issue.record(
                        "query (\(lat), \(lon)) k=\(limit) r=\(radius): got \(got.map { ($0.fix.vehicleKey, $0.distanceMeters) }) expected \(expected)"
                    )
                }
            }
        }
        #expect(failures == 0)
    }

    @Test func smallOwnersUseAPlainScanAndStillAgree() {
        var g = SeededGenerator(seed: 99)
        let hot = HotPositions()
        var fixes: [HotFix] = []
        for key in 0..<30 {
            let fix = HotFix(
                vehicleKey: Int64(key), latitude: .random(in: -89...89, using: &g), longitude: .random(in: -180..<180, using: &g), fixTime: 1)
            fixes.append(fix)
            hot.update(fix, owner: "small")
        }
        for _ in 0..<200 {
            let lat = Double.random(in: -90...90, using: &g), lon = Double.random(in: -180...180, using: &g)
            let got = hot.nearest(owner: "small", latitude: lat, longitude: lon, limit: 5, maxDistanceMeters: 8_000_000)
            #expect(matches(got, bruteForceNearest(fixes, latitude: lat, longitude: lon, limit: 5, maxDistanceMeters: 8_000_000)))
        }
    }

    @Test func churnKeepsTheIndexConsistent() {
        // Moves, late fixes and removals exercise every swap-remove path of cells and entries.
        var g = SeededGenerator(seed: 2026)
        let hot = HotPositions(cellDegrees: 0.5)
        var truth: [Int64: HotFix] = [:]
        for step in 0..<40_000 {
            let key = Int64.random(in: 0..<2_000, using: &g)
            if step % 7 == 0 {
                hot.remove(vehicleKey: key, owner: "c")
                truth[key] = nil
                continue
            }
            let fix = HotFix(
                vehicleKey: key, latitude: .random(in: 44...48, using: &g), longitude: .random(in: 20...28, using: &g),
                fixTime: Int64(step))
            hot.update(fix, owner: "c")
            truth[key] = fix
        }
        #expect(hot.count == truth.count)
        #expect(Set(hot.latest(owner: "c")) == Set(truth.values))
        for key in truth.keys { #expect(hot.latest(vehicleKey: key, owner: "c") == truth[key]) }
        let fixes = Array(truth.values)
        for _ in 0..<200 {
            let lat = Double.random(in: 43...49, using: &g), lon = Double.random(in: 19...29, using: &g)
            let got = hot.nearest(owner: "c", latitude: lat, longitude: lon, limit: 10, maxDistanceMeters: 60_000)
            #expect(matches(got, bruteForceNearest(fixes, latitude: lat, longitude: lon, limit: 10, maxDistanceMeters: 60_000)))
        }
    }
}
