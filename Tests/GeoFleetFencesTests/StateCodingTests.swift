import Foundation
import GeoFleetCore
import Testing
@testable import GeoFleetFences

/// State survives JSON, and a vehicle restored inside a fence is not entering it again.
@Suite struct StateCodingTests {
    let m = Metres()

    @Test func roundTripAndNoReentryAfterRestart() throws {
        var drive = Drive([
            Fence(id: fenceID(1), owner: "user-a", area: .circle(center: m.origin, radiusMeters: 500), speedLimitKmh: 50, dwellSeconds: 600),
            Fence(id: fenceID(2), owner: "user-a", area: .polygon(rings: [m.rectangle(west: -300, south: -300, east: 300, north: 300)])),
        ])
        #expect(drive.fix(m.origin, at: t0, speedKmh: 70).map(\.kind) == [.enter, .enter, .overspeed])
        let data = try JSONEncoder().encode(drive.state)
        let restored = try JSONDecoder().decode(VehicleFenceState.self, from: data)
        #expect(restored == drive.state)
        #expect(restored.memberships.map(\.fenceID) == [fenceID(1), fenceID(2)])
        #expect(restored.memberships[0].overspeeding && !restored.memberships[0].dwellFired)
        #expect(restored.lastTime == t0)

        // A new process: a fresh index with the same fences, the restored state.
        var after = Drive(drive.index.fenceList)
        after.state = restored
        #expect(after.fix(m.point(east: 10, north: 0), at: t0 + 30_000, speedKmh: 70).isEmpty)
        #expect(after.fix(m.point(east: 20, north: 0), at: t0 + 600_000, speedKmh: 70).map(\.kind) == [.dwell])
        #expect(VehicleFenceState() == (try JSONDecoder().decode(VehicleFenceState.self, from: JSONEncoder().encode(VehicleFenceState()))))
    }
}

extension FenceIndex {
    /// The fences of the test's ids 1…9, for rebuilding an index.
    fileprivate var fenceList: [Fence] { (1...9).compactMap { fence(id: fenceID($0)) } }
}
