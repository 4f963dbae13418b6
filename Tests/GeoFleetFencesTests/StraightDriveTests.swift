import Foundation
import GeoFleetCore
import Testing
@testable import GeoFleetFences

/// A drive east through overlapping fences: enters and exits at the right fixes, in the documented order.
@Suite struct StraightDriveTests {
    let m = Metres()

    @Test func entersAndExitsInOrder() {
        // Along y = 0: A covers x -500…500 (circle), B x 300…1300 (square), C x 1100…2000 (corridor along the road).
        var drive = Drive([
            Fence(id: fenceID(1), owner: "user-a", area: .circle(center: m.point(east: 0, north: 0), radiusMeters: 500)),
            Fence(id: fenceID(2), owner: "user-a", area: .polygon(rings: [m.rectangle(west: 300, south: -500, east: 1300, north: 500)])),
            Fence(
                id: fenceID(3), owner: "user-a",
                area: .corridor(line: [m.point(east: 1100, north: 0), m.point(east: 2000, north: 0)], widthMeters: 200)),
        ])
        var events: [(x: Int, kind: FenceTransition.Kind, fence: UUID)] = []
        for (i, x) in stride(from: -1000, through: 2600, by: 100).enumerated() {
            for t in drive.fix(m.point(east: Double(x), north: 0), at: t0 + Int64(i) * 10_000) {
                #expect(t.time == t0 + Int64(i) * 10_000, "plain enters/exits carry the fix's own time")
                events.append((x, t.kind, t.fenceID))
            }
        }
        // The first fix more than 15 m inside enters, the first more than 15 m outside exits (fixes every 100 m; the
        // corridor is 100 m wide each side of its line, round at the ends).
        let expected: [(Int, FenceTransition.Kind, UUID)] = [
            (-400, .enter, fenceID(1)), (400, .enter, fenceID(2)), (600, .exit, fenceID(1)),
            (1100, .enter, fenceID(3)), (1400, .exit, fenceID(2)), (2200, .exit, fenceID(3)),
        ]
        #expect(events.count == expected.count, "\(events)")
        for (got, want) in zip(events, expected) {
            #expect(got.x == want.0 && got.kind == want.1 && got.fence == want.2, "\(got) vs \(want)")
        }
        #expect(drive.state.memberships.isEmpty)
    }

    @Test("one fix that leaves A and enters B reports the exit first")
    func exitBeforeEnter() {
        var drive = Drive([
            Fence(id: fenceID(1), owner: "user-a", area: .circle(center: m.point(east: 0, north: 0), radiusMeters: 300)),
            Fence(id: fenceID(2), owner: "user-a", area: .circle(center: m.point(east: 1000, north: 0), radiusMeters: 300)),
        ])
        #expect(drive.fix(m.point(east: 0, north: 0), at: t0).map(\.kind) == [.enter])
        let jump = drive.fix(m.point(east: 1000, north: 0), at: t0 + 30_000)
        #expect(jump.map(\.kind) == [.exit, .enter])
        #expect(jump.map(\.fenceID) == [fenceID(1), fenceID(2)])
    }
}
