import Foundation
import GeoFleetCore
import Testing
@testable import GeoFleetFences

/// Overspeed inside a fence with a limit: once when it starts, rearmed below limit − 5 km/h or on exit.
@Suite struct OverspeedTests {
    let m = Metres()

    @Test func firesOnceThenRearms() {
        var drive = Drive([
            Fence(id: fenceID(1), owner: "user-a", area: .circle(center: m.origin, radiusMeters: 5000), speedLimitKmh: 50)
        ])
        let speeds: [Double] = [40, 55, 60, 52, 47, 51, 44, 58, 70]
        var fired: [Double] = []
        for (i, speed) in speeds.enumerated() {
            for t in drive.fix(m.point(east: Double(i) * 10, north: 0), at: t0 + Int64(i) * 1000, speedKmh: speed) where t.kind == .overspeed {
                fired.append(t.speedKmh ?? .nan)
            }
        }
        // 55 fires; 60, 52 continue; 47 and 51 are not below 45, so no rearm; 44 rearms; 58 fires again; 70 continues.
        #expect(fired == [55, 58])
    }

    @Test("entering too fast: enter, then overspeed; exit rearms")
    func enterFastAndExitRearms() {
        var drive = Drive([
            Fence(id: fenceID(1), owner: "user-a", area: .circle(center: m.origin, radiusMeters: 500), speedLimitKmh: 30, dwellSeconds: 0)
        ])
        #expect(drive.fix(m.origin, at: t0, speedKmh: 80).map(\.kind) == [.enter, .dwell, .overspeed])
        #expect(drive.fix(m.point(east: 1000, north: 0), at: t0 + 1000, speedKmh: 80).map(\.kind) == [.exit])
        #expect(drive.fix(m.origin, at: t0 + 2000, speedKmh: 80).map(\.kind) == [.enter, .dwell, .overspeed])
    }

    @Test func noLimitNoOverspeed() {
        var drive = Drive([Fence(id: fenceID(1), owner: "user-a", area: .circle(center: m.origin, radiusMeters: 500))])
        #expect(drive.fix(m.origin, at: t0, speedKmh: 200).map(\.kind) == [.enter])
        #expect(drive.fix(m.origin, at: t0 + 1000, speedKmh: 250).isEmpty)
    }
}
