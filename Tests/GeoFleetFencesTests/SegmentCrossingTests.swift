import Foundation
import GeoFleetCore
import Testing
@testable import GeoFleetFences

/// Both fixes outside a small fence, the straight segment between them through it: enter then exit, interpolated.
@Suite struct SegmentCrossingTests {
    let m = Metres()

    @Test(arguments: [
        FenceArea.circle(center: Metres().point(east: 100, north: 0), radiusMeters: 30),
        FenceArea.polygon(rings: [Metres().rectangle(west: 70, south: -30, east: 130, north: 30)]),
        FenceArea.corridor(line: [Metres().point(east: 100, north: -200), Metres().point(east: 100, north: 200)], widthMeters: 60),
    ])
    func passThroughASmallFence(area: FenceArea) throws {
        var drive = Drive([Fence(id: fenceID(1), owner: "user-a", area: area)])
        #expect(drive.fix(m.point(east: 0, north: 0), at: t0).isEmpty)
        let transitions = drive.fix(m.point(east: 200, north: 0), at: t0 + 20_000)
        #expect(transitions.map(\.kind) == [.enter, .exit])
        let enter = try #require(transitions.first)
        let exit = try #require(transitions.last)
        // The segment meets the border at x = 70 m and 130 m: 7 s and 13 s into the 20 s between the fixes.
        #expect(abs(enter.time - (t0 + 7_000)) <= 100, "\(enter.time - t0)")
        #expect(abs(exit.time - (t0 + 13_000)) <= 100, "\(exit.time - t0)")
        let expectedEnter = m.point(east: 70, north: 0)
        #expect(
            GreatCircle.distanceMeters(
                lat1: enter.point.latitude, lon1: enter.point.longitude, lat2: expectedEnter.latitude, lon2: expectedEnter.longitude) < 1)
        #expect(!drive.state.isInside(fenceID(1)))
    }

    @Test func noCrossingWhenTheSegmentMissesOrOnlyGrazes() {
        var drive = Drive([Fence(id: fenceID(1), owner: "user-a", area: .circle(center: m.point(east: 100, north: 0), radiusMeters: 30))])
        #expect(drive.fix(m.point(east: 0, north: 50), at: t0).isEmpty)
        #expect(drive.fix(m.point(east: 200, north: 50), at: t0 + 20_000).isEmpty) // passes 50 m from the centre
        #expect(drive.fix(m.point(east: 200, north: 20), at: t0 + 40_000).isEmpty)
        #expect(drive.fix(m.point(east: 0, north: 20), at: t0 + 60_000).isEmpty) // 10 m deep at most: within the band
    }

    @Test func noCrossingAcrossALongGap() {
        var drive = Drive([Fence(id: fenceID(1), owner: "user-a", area: .circle(center: m.point(east: 100, north: 0), radiusMeters: 30))])
        #expect(drive.fix(m.point(east: 0, north: 0), at: t0).isEmpty)
        #expect(drive.fix(m.point(east: 200, north: 0), at: t0 + FenceEvaluator.crossingMaxGapMilliseconds).isEmpty)
    }

    @Test("a long segment over several grid cells crosses each fence once, in the order met")
    func longSegmentManyCells() {
        let fences = (1...5).map { i in
            Fence(id: fenceID(i), owner: "user-a", area: .circle(center: m.point(east: Double(i) * 4_000, north: 0), radiusMeters: 300))
        }
        var drive = Drive(fences)
        #expect(drive.fix(m.point(east: 0, north: 0), at: t0).isEmpty)
        let transitions = drive.fix(m.point(east: 22_000, north: 0), at: t0 + 540_000)
        #expect(transitions.map(\.fenceID) == (1...5).flatMap { [fenceID($0), fenceID($0)] })
        #expect(transitions.map(\.kind) == Array(repeating: [FenceTransition.Kind.enter, .exit], count: 5).flatMap { $0 })
        #expect(zip(transitions, transitions.dropFirst()).allSatisfy { $0.time <= $1.time })
    }
}
