import Foundation
import GeoFleetCore
import Testing
@testable import GeoFleetFences

/// Fixes not newer than the last evaluated one change nothing.
@Suite struct OutOfOrderTests {
    let m = Metres()

    @Test func olderAndDuplicateFixesAreIgnored() {
        var drive = Drive([Fence(id: fenceID(1), owner: "user-a", area: .circle(center: m.origin, radiusMeters: 500))])
        #expect(drive.fix(m.origin, at: t0 + 60_000).map(\.kind) == [.enter])
        let before = drive.state
        #expect(drive.fix(m.point(east: 3000, north: 0), at: t0 + 30_000).isEmpty) // older, and outside
        #expect(drive.fix(m.point(east: 3000, north: 0), at: t0 + 60_000).isEmpty) // same time
        #expect(drive.state == before)
        #expect(drive.fix(m.point(east: 3000, north: 0), at: t0 + 60_001).map(\.kind) == [.exit])
    }

    @Test("timestamps at the ends of Int64 do not trap")
    func extremeTimes() {
        var drive = Drive([Fence(id: fenceID(1), owner: "user-a", area: .circle(center: m.origin, radiusMeters: 500), dwellSeconds: 60)])
        #expect(drive.fix(m.point(east: 3000, north: 0), at: Int64.min + 1).isEmpty)
        #expect(drive.fix(m.origin, at: Int64.max - 1).map(\.kind) == [.enter])
        #expect(drive.fix(m.origin, at: Int64.max).isEmpty) // the dwell's due time overflows: never due
    }

    @Test func unusableFixesAreIgnored() {
        var drive = Drive([Fence(id: fenceID(1), owner: "user-a", area: .circle(center: m.origin, radiusMeters: 500))])
        #expect(drive.fix(GeoPoint(latitude: .nan, longitude: 11), at: t0).isEmpty)
        #expect(drive.fix(GeoPoint(latitude: 95, longitude: 11), at: t0 + 1).isEmpty)
        #expect(drive.state == VehicleFenceState())
    }
}
