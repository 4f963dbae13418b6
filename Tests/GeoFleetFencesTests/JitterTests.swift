import Foundation
import GeoFleetCore
import Testing
@testable import GeoFleetFences

/// A parked vehicle whose fixes scatter around a border within their accuracy must not flap.
@Suite struct JitterTests {
    let m = Metres()

    @Test(arguments: [(nil, 15.0), (8.0, 15.0), (30.0, 30.0), (60.0, 60.0)] as [(Double?, Double)])
    func noFlappingAroundTheBorder(accuracy: Double?, band: Double) {
        let shapes: [FenceArea] = [
            .circle(center: m.origin, radiusMeters: 1000),
            .polygon(rings: [m.rectangle(west: -1000, south: -1000, east: 1000, north: 1000)]),
            .corridor(line: [m.point(east: -3000, north: 0), m.point(east: 3000, north: 0)], widthMeters: 2000),
        ]
        for (n, area) in shapes.enumerated() {
            for startInside in [true, false] {
                var drive = Drive([Fence(id: fenceID(n), owner: "user-a", area: area)])
                var rng = SeededGenerator(seed: UInt64(n * 2 + (startInside ? 1 : 0)))
                let start = drive.fix(m.point(east: 0, north: startInside ? 500 : 1500), at: t0, accuracy: accuracy)
                #expect(start.map(\.kind) == (startInside ? [.enter] : []))
                var flaps = 0
                var time = t0
                for _ in 0..<200 {
                    time += 5_000
                    // The border is at north = 1000 for all three; scatter ±(band − 1) m across it, a little east–west too.
                    let north = 1000 + Double.random(in: -(band - 1)...(band - 1), using: &rng)
                    let east = Double.random(in: -20...20, using: &rng)
                    flaps += drive.fix(m.point(east: east, north: north), at: time, accuracy: accuracy).count
                }
                #expect(flaps == 0, "shape \(n), started inside: \(startInside)")
                #expect(drive.state.isInside(fenceID(n)) == startInside)
                // Leaving for real still exits (and beyond the band, entering still enters).
                let leave = drive.fix(m.point(east: 0, north: startInside ? 1000 + band + 5 : 1000 - band - 5), at: time + 5_000, accuracy: accuracy)
                #expect(leave.map(\.kind) == [startInside ? .exit : .enter], "shape \(n)")
            }
        }
    }

    @Test func bandFollowsAccuracyWithinLimits() {
        #expect(FenceEvaluator.band(nil) == 15)
        #expect(FenceEvaluator.band(5) == 15)
        #expect(FenceEvaluator.band(40) == 40)
        #expect(FenceEvaluator.band(5_000) == 100)
        #expect(FenceEvaluator.band(.nan) == 15)
        #expect(FenceEvaluator.band(-3) == 15)
    }

    @Test("a fence smaller than the band can still be entered: the band shrinks to half its inner size")
    func smallFence() {
        var drive = Drive([Fence(id: fenceID(1), owner: "user-a", area: .circle(center: m.origin, radiusMeters: 20))])
        #expect(drive.fix(m.point(east: 0, north: 3), at: t0, accuracy: 50).map(\.kind) == [.enter])
        #expect(drive.fix(m.point(east: 0, north: 25), at: t0 + 1000, accuracy: 50).isEmpty) // within 10 m of the border
        #expect(drive.fix(m.point(east: 0, north: 35), at: t0 + 2000, accuracy: 50).map(\.kind) == [.exit])
    }
}
