import Foundation
import GeoFleetCore
import Testing
@testable import GeoFleetFences

/// Removing, re-adding and replacing fences: no crash, stale state dropped silently.
@Suite struct FenceRemovalTests {
    let m = Metres()

    @Test func removedFenceLeavesStateWithoutAnExit() {
        let fence = Fence(id: fenceID(1), owner: "user-a", area: .circle(center: m.origin, radiusMeters: 500))
        var drive = Drive([fence])
        #expect(drive.fix(m.origin, at: t0).map(\.kind) == [.enter])
        drive.index.remove(id: fenceID(1))
        drive.index.remove(id: fenceID(1))
        #expect(drive.index.count == 0 && drive.index.fence(id: fenceID(1)) == nil)
        #expect(drive.fix(m.point(east: 5000, north: 0), at: t0 + 1000).isEmpty)
        #expect(drive.state.memberships.isEmpty)
        // Re-added: entering again is a fresh enter.
        let added = drive.index.upsert(fence)
        #expect(added)
        #expect(drive.fix(m.origin, at: t0 + 2000).map(\.kind) == [.enter])
        FenceEvaluator.forget(fence: fenceID(1), in: &drive.state)
        #expect(!drive.state.isInside(fenceID(1)))
    }

    @Test("replacing a fence's area moves it in the index")
    func replaceMovesTheFence() {
        var index = FenceIndex()
        index.upsert(Fence(id: fenceID(1), owner: "a", area: .circle(center: m.origin, radiusMeters: 200)))
        let far = m.point(east: 50_000, north: 0)
        index.upsert(Fence(id: fenceID(1), owner: "a", area: .circle(center: far, radiusMeters: 200)))
        #expect(index.count == 1)
        #expect(index.candidates(near: m.origin, owner: "a", marginMeters: 0).isEmpty)
        #expect(index.candidates(near: far, owner: "a", marginMeters: 0).map(\.id) == [fenceID(1)])
    }

    @Test func churnKeepsCountsAndSlotsConsistent() {
        var index = FenceIndex()
        var rng = SeededGenerator(seed: 7)
        var live: Set<Int> = []
        for _ in 0..<3_000 {
            let n = Int.random(in: 0..<200, using: &rng)
            if Bool.random(using: &rng) {
                let centre = m.point(east: Double.random(in: -20_000...20_000, using: &rng), north: Double.random(in: -20_000...20_000, using: &rng))
                index.upsert(Fence(id: fenceID(n), owner: "o\(n % 3)", area: .circle(center: centre, radiusMeters: 300)))
                live.insert(n)
            } else {
                index.remove(id: fenceID(n))
                live.remove(n)
            }
        }
        #expect(index.count == live.count)
        for n in 0..<200 { #expect((index.fence(id: fenceID(n)) != nil) == live.contains(n)) }
        // Every live fence is found at its own centre, by its owner only.
        for n in live {
            guard case .circle(let centre, _) = index.fence(id: fenceID(n))!.area else { continue }
            #expect(index.candidates(near: centre, owner: "o\(n % 3)", marginMeters: 0).contains { $0.id == fenceID(n) })
            #expect(!index.candidates(near: centre, owner: "o\((n + 1) % 3)", marginMeters: 0).contains { $0.id == fenceID(n) })
        }
    }
}
