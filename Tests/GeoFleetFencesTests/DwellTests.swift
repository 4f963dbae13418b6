import Foundation
import GeoFleetCore
import Testing
@testable import GeoFleetFences

/// Dwell fires once, at the first fix at or after entry + dwellSeconds, and rearms on exit.
@Suite struct DwellTests {
    let m = Metres()

    @Test func firesOnceAndResetsOnExit() {
        var drive = Drive([
            Fence(id: fenceID(1), owner: "user-a", area: .circle(center: m.origin, radiusMeters: 500), dwellSeconds: 300)
        ])
        #expect(drive.fix(m.origin, at: t0).map(\.kind) == [.enter])
        var dwellTimes: [Int64] = []
        for s in stride(from: 60, through: 900, by: 60) {
            for t in drive.fix(m.point(east: Double(s % 120), north: 0), at: t0 + Int64(s) * 1000) where t.kind == .dwell {
                dwellTimes.append(t.time - t0)
            }
        }
        #expect(dwellTimes == [300_000])
        #expect(drive.fix(m.point(east: 2000, north: 0), at: t0 + 1_000_000).map(\.kind) == [.exit])
        #expect(drive.fix(m.origin, at: t0 + 1_100_000).map(\.kind) == [.enter])
        #expect(drive.fix(m.origin, at: t0 + 1_399_999).isEmpty)
        #expect(drive.fix(m.origin, at: t0 + 1_400_000).map(\.kind) == [.dwell])
    }

    @Test("a fix that enters and is already past the dwell (dwell 0): enter then dwell")
    func zeroDwell() {
        var drive = Drive([Fence(id: fenceID(1), owner: "user-a", area: .circle(center: m.origin, radiusMeters: 500), dwellSeconds: 0)])
        #expect(drive.fix(m.origin, at: t0).map(\.kind) == [.enter, .dwell])
        #expect(drive.fix(m.origin, at: t0 + 1000).isEmpty)
    }
}
