import Foundation
import GeoFleetCore
import Testing
@testable import GeoFleetFences

/// The evaluator skips most crossing tests with a distance bound; it must never skip one the exact test would find.
@Suite struct CrossingBoundTests {
    let m = Metres()

    @Test func boundNeverHidesACrossing() {
        var rng = SeededGenerator(seed: 11)
        var found = 0
        for n in 0..<1_500 {
            let size = Double.random(in: 20...800, using: &rng)
            let area: FenceArea
            switch n % 3 {
            case 0:
                area = .circle(center: m.origin, radiusMeters: size)
            case 1:
                area = .polygon(rings: [
                    (0..<9).map { k in
                        let angle = Double(k) / 9 * 2 * Double.pi
                        let r = size * Double.random(in: 0.3...1, using: &rng)
                        return m.point(east: r * cos(angle), north: r * sin(angle))
                    }
                ])
            default:
                area = .corridor(
                    line: [m.point(east: -size, north: 0), m.point(east: 0, north: size / 2), m.point(east: size, north: 0)],
                    widthMeters: size / 4)
            }
            let shape = PreparedShape(area)
            let from = m.point(east: Double.random(in: -1500...1500, using: &rng), north: Double.random(in: -1500...1500, using: &rng))
            let to = m.point(east: Double.random(in: -1500...1500, using: &rng), north: Double.random(in: -1500...1500, using: &rng))
            let band = min(FenceEvaluator.defaultBandMeters, shape.bandCap)
            // Both fixes clearly outside, as crossing requires.
            guard shape.signedDistance(to: from) > band, shape.signedDistance(to: to) > band else { continue }
            let exact = shape.crossing(from: from, to: to, depth: band) != nil
            var drive = Drive([Fence(id: fenceID(n), owner: "user-a", area: area)])
            _ = drive.fix(from, at: t0)
            let kinds = drive.fix(to, at: t0 + 60_000).map(\.kind)
            #expect(kinds == (exact ? [.enter, .exit] : []), "fence \(n): \(area)")
            if exact { found += 1 }
        }
        #expect(found > 100, "enough segments should cross: \(found)")
    }
}
