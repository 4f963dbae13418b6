import Foundation
import GeoFleetCore
import Testing
@testable import GeoFleetFences

/// User B's vehicles never trigger user A's fences, even on the same spot.
@Suite struct OwnerIsolationTests {
    let m = Metres()

    @Test func onlyTheOwnersFencesApply() {
        var index = FenceIndex()
        index.upsert(Fence(id: fenceID(1), owner: "user-a", area: .circle(center: m.origin, radiusMeters: 500), dwellSeconds: 0))
        index.upsert(Fence(id: fenceID(2), owner: "user-b", area: .circle(center: m.origin, radiusMeters: 500)))
        var a = VehicleFenceState()
        var b = VehicleFenceState()
        let forA = FenceEvaluator.evaluate(fix: m.origin, time: t0, speedKmh: 0, accuracyMeters: nil, owner: "user-a", index: index, state: &a)
        let forB = FenceEvaluator.evaluate(fix: m.origin, time: t0, speedKmh: 0, accuracyMeters: nil, owner: "user-b", index: index, state: &b)
        #expect(forA.map(\.fenceID) == [fenceID(1), fenceID(1)])
        #expect(forB.map(\.fenceID) == [fenceID(2)])
        #expect(index.candidates(near: m.origin, owner: "user-c", marginMeters: 0).isEmpty)
        #expect(index.candidates(near: m.origin, owner: "user-b", marginMeters: 0).map(\.id) == [fenceID(2)])
    }

    @Test("a fence handed to another owner leaves the first owner's vehicle silently")
    func ownerChange() {
        var drive = Drive([Fence(id: fenceID(1), owner: "user-a", area: .circle(center: m.origin, radiusMeters: 500))])
        #expect(drive.fix(m.origin, at: t0).map(\.kind) == [.enter])
        drive.index.upsert(Fence(id: fenceID(1), owner: "user-b", area: .circle(center: m.origin, radiusMeters: 500)))
        #expect(drive.fix(m.origin, at: t0 + 1000).isEmpty)
        #expect(drive.state.memberships.isEmpty)
    }
}
