import Foundation
import GeoFleetCore
import Testing
@testable import GeoFleetFences

/// The grid index against a brute-force scan over 2,000 random fences: same candidates, same transitions.
@Suite struct IndexConsistencyTests {
    let m = Metres()
    let owners = ["a", "b", "c"]

    func randomFences(_ count: Int, using rng: inout SeededGenerator) -> [Fence] {
        (0..<count).map { n in
            let east = Double.random(in: -40_000...40_000, using: &rng)
            let north = Double.random(in: -40_000...40_000, using: &rng)
            let size = Double.random(in: 50...3_000, using: &rng)
            let area: FenceArea
            switch n % 3 {
            case 0:
                area = .circle(center: m.point(east: east, north: north), radiusMeters: size)
            case 1:
                // A star-shaped ring of 12 corners around (east, north): never self-intersecting.
                let ring = (0..<12).map { k in
                    let angle = Double(k) / 12 * 2 * Double.pi
                    let r = size * Double.random(in: 0.4...1, using: &rng)
                    return m.point(east: east + r * cos(angle), north: north + r * sin(angle))
                }
                area = .polygon(rings: [ring])
            default:
                var x = east
                var y = north
                let line = (0..<20).map { _ in
                    x += Double.random(in: -600...600, using: &rng)
                    y += Double.random(in: -600...600, using: &rng)
                    return m.point(east: x, north: y)
                }
                area = .corridor(line: line, widthMeters: size / 10)
            }
            return Fence(id: fenceID(n), owner: owners[n % owners.count], area: area)
        }
    }

    @Test func candidatesMatchABruteForceScan() {
        var rng = SeededGenerator(seed: 42)
        let fences = randomFences(2_000, using: &rng)
        var index = FenceIndex()
        let refused = fences.filter { !index.upsert($0) }
        #expect(refused.isEmpty)
        #expect(index.count == fences.count)
        let shapes = fences.map { PreparedShape($0.area) }
        var found = 0
        for q in 0..<3_000 {
            let point = m.point(east: Double.random(in: -45_000...45_000, using: &rng), north: Double.random(in: -45_000...45_000, using: &rng))
            let owner = owners[q % owners.count]
            let margin = [0.0, 15, 100, 2_500][q % 4]
            let expected = Set(
                zip(fences, shapes).filter { $0.owner == owner && $1.signedDistance(to: point) <= margin }.map(\.0.id))
            let got = index.candidates(near: point, owner: owner, marginMeters: margin)
            #expect(Set(got.map(\.id)) == expected, "query \(q)")
            #expect(got.count == expected.count, "no fence twice, query \(q)")
            found += got.count
        }
        #expect(found > 500, "the queries should hit fences often enough to mean something: \(found)")
    }

    @Test("random drives give the same transitions with the grid as with one cell per owner (a plain scan)")
    func evaluatorMatchesAScan() {
        var rng = SeededGenerator(seed: 43)
        let fences = randomFences(2_000, using: &rng)
        var grid = FenceIndex()
        var scan = FenceIndex(cellDegrees: 360)
        for fence in fences {
            grid.upsert(fence)
            scan.upsert(fence)
        }
        var total = 0
        for vehicle in 0..<60 {
            let owner = owners[vehicle % owners.count]
            var east = Double.random(in: -40_000...40_000, using: &rng)
            var north = Double.random(in: -40_000...40_000, using: &rng)
            var time = t0
            var a = VehicleFenceState()
            var b = VehicleFenceState()
            for _ in 0..<200 {
                // Mostly short hops, now and then a long one that spans several cells.
                let hop = Double.random(in: 0...1, using: &rng) < 0.1 ? 8_000.0 : 400
                east += Double.random(in: -hop...hop, using: &rng)
                north += Double.random(in: -hop...hop, using: &rng)
                time += Int64.random(in: 5_000...60_000, using: &rng)
                let point = m.point(east: east, north: north)
                let speed = Double.random(in: 0...120, using: &rng)
                let accuracy = Double.random(in: 3...60, using: &rng)
                let viaGrid = FenceEvaluator.evaluate(
                    fix: point, time: time, speedKmh: speed, accuracyMeters: accuracy, owner: owner, index: grid, state: &a)
                let viaScan = FenceEvaluator.evaluate(
                    fix: point, time: time, speedKmh: speed, accuracyMeters: accuracy, owner: owner, index: scan, state: &b)
                // Same events; within one kind the order may follow the index's cell order, so compare as sets too.
                #expect(viaGrid.count == viaScan.count)
                #expect(Set(viaGrid.map { "\($0.kind) \($0.fenceID) \($0.time)" }) == Set(viaScan.map { "\($0.kind) \($0.fenceID) \($0.time)" }))
                #expect(Set(a.memberships.map(\.fenceID)) == Set(b.memberships.map(\.fenceID)))
                total += viaGrid.count
            }
        }
        #expect(total > 100, "the drives should cause transitions: \(total)")
    }
}
