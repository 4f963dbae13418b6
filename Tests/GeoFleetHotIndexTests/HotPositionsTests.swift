import GeoFleetCore
import Testing
@testable import GeoFleetHotIndex

/// Update rules, radius cutoff, owner isolation, removal and concurrency.
@Suite struct HotPositionsTests {
    @Test func radiusCutoffIsInclusiveAndOrdered() {
        let hot = HotPositions()
        // Vehicles every 1 km due north of Bucharest (1 km = 1/111.195 ° on our sphere).
        let degreesPerKm = 1000 / (GreatCircle.earthRadiusMeters * .pi / 180)
        for k in 0..<20 {
            hot.update(HotFix(vehicleKey: Int64(k), latitude: 44.4268 + Double(k) * degreesPerKm, longitude: 26.1025, fixTime: 1), owner: "u")
        }
        let within = hot.nearest(owner: "u", latitude: 44.4268, longitude: 26.1025, limit: 100, maxDistanceMeters: 5_500)
        #expect(within.map(\.fix.vehicleKey) == [0, 1, 2, 3, 4, 5])
        #expect(within.map(\.distanceMeters) == within.map(\.distanceMeters).sorted())
        #expect(abs(within[5].distanceMeters - 5_000) < 1e-6)
        // A radius exactly equal to a vehicle's distance includes it.
        let exact = within[3].distanceMeters
        #expect(hot.nearest(owner: "u", latitude: 44.4268, longitude: 26.1025, limit: 100, maxDistanceMeters: exact).count == 4)
        #expect(hot.nearest(owner: "u", latitude: 44.4268, longitude: 26.1025, limit: 3, maxDistanceMeters: 1e9).map(\.fix.vehicleKey) == [0, 1, 2])
        #expect(hot.nearest(owner: "u", latitude: 44.4268, longitude: 26.1025, limit: 0, maxDistanceMeters: 1e9).isEmpty)
        #expect(hot.nearest(owner: "u", latitude: 44.4268, longitude: 26.1025, limit: 5, maxDistanceMeters: -1).isEmpty)
        #expect(hot.nearest(owner: "u", latitude: .nan, longitude: 26.1025, limit: 5, maxDistanceMeters: 1e9).isEmpty)
    }

    @Test func aFutureFixDoesNotPinTheLatestPosition() {
        let hot = HotPositions()
        let received: Int64 = 1_790_000_000_000
        // A device clock 23 hours ahead: the fix is stored, but it ranks at the moment it arrived.
        let future = HotFix(vehicleKey: 7, latitude: 45.0, longitude: 25.0, fixTime: received + 23 * 3_600_000, receivedTime: received)
        #expect(hot.update(future, owner: "u"))
        // A real fix taken one minute later replaces it, though its fix time is 22:59 h earlier.
        let real = HotFix(vehicleKey: 7, latitude: 45.1, longitude: 25.1, fixTime: received + 60_000, receivedTime: received + 61_000)
        #expect(hot.update(real, owner: "u"))
        #expect(hot.latest(vehicleKey: 7, owner: "u") == real)
        // A late, buffered fix from before the future one arrived still loses.
        let buffered = HotFix(vehicleKey: 7, latitude: 45.2, longitude: 25.2, fixTime: received - 60_000, receivedTime: received + 62_000)
        #expect(!hot.update(buffered, owner: "u"))
        #expect(hot.latest(vehicleKey: 7, owner: "u") == real)
    }

    @Test func newerWinsLateIsIgnored() {
        let hot = HotPositions()
        let first = HotFix(vehicleKey: 7, latitude: 45.0, longitude: 25.0, fixTime: 10_000, speedKmh: 50, heading: 90)
        #expect(hot.update(first, owner: "u"))
        let late = HotFix(vehicleKey: 7, latitude: 46.0, longitude: 26.0, fixTime: 9_000)
        #expect(!hot.update(late, owner: "u"))
        #expect(!hot.update(HotFix(vehicleKey: 7, latitude: 46.0, longitude: 26.0, fixTime: 10_000), owner: "u"))
        #expect(hot.latest(vehicleKey: 7, owner: "u") == first)
        let newer = HotFix(vehicleKey: 7, latitude: 47.0, longitude: 27.0, fixTime: 11_000, source: .manual)
        #expect(hot.update(newer, owner: "u"))
        #expect(hot.latest(vehicleKey: 7, owner: "u") == newer)
        #expect(hot.count == 1)
        // The index follows the move: nothing left at the old place.
        #expect(hot.nearest(owner: "u", latitude: 45.0, longitude: 25.0, limit: 10, maxDistanceMeters: 10_000).isEmpty)
        #expect(hot.nearest(owner: "u", latitude: 47.0, longitude: 27.0, limit: 10, maxDistanceMeters: 10).map(\.fix) == [newer])
        // Invalid positions never enter.
        #expect(!hot.update(HotFix(vehicleKey: 8, latitude: .nan, longitude: 0, fixTime: 1), owner: "u"))
        #expect(!hot.update(HotFix(vehicleKey: 8, latitude: 91, longitude: 0, fixTime: 1), owner: "u"))
        #expect(hot.count == 1)
    }

    @Test func ownersAreIsolated() {
        let hot = HotPositions()
        for k in 0..<100 {
            hot.update(HotFix(vehicleKey: Int64(k), latitude: 52.52 + Double(k) * 0.001, longitude: 13.405, fixTime: 1), owner: "alice")
            hot.update(HotFix(vehicleKey: Int64(1000 + k), latitude: 52.52 + Double(k) * 0.001, longitude: 13.405, fixTime: 1), owner: "bob")
        }
        // Same vehicle key under two owners: two separate entries.
        hot.update(HotFix(vehicleKey: 5_000, latitude: 52.52, longitude: 13.405, fixTime: 1), owner: "alice")
        hot.update(HotFix(vehicleKey: 5_000, latitude: 48.85, longitude: 2.35, fixTime: 1), owner: "bob")
        #expect(hot.count == 202)
        let alice = hot.nearest(owner: "alice", latitude: 52.52, longitude: 13.405, limit: 500, maxDistanceMeters: 1e7)
        #expect(alice.count == 101)
        #expect(alice.allSatisfy { $0.fix.vehicleKey < 1000 || $0.fix.vehicleKey == 5_000 })
        #expect(hot.latest(owner: "bob").allSatisfy { $0.vehicleKey >= 1000 })
        #expect(hot.latest(vehicleKey: 5_000, owner: "bob")?.latitude == 48.85)
        #expect(hot.latest(vehicleKey: 5_000, owner: "alice")?.latitude == 52.52)
        #expect(hot.latest(vehicleKey: 1, owner: "bob") == nil)
        #expect(hot.nearest(owner: "carol", latitude: 52.52, longitude: 13.405, limit: 10, maxDistanceMeters: 1e7).isEmpty)
        #expect(hot.latest(owner: "carol").isEmpty)
        hot.remove(vehicleKey: 5_000, owner: "alice")
        #expect(hot.latest(vehicleKey: 5_000, owner: "bob") != nil)
    }

    @Test func removeForgetsTheVehicle() {
        let hot = HotPositions()
        for k in 0..<200 {
            hot.update(
                HotFix(vehicleKey: Int64(k), latitude: 40 + Double(k % 20) * 0.01, longitude: -3.7 + Double(k / 20) * 0.01, fixTime: 1), owner: "u")
        }
        hot.remove(vehicleKey: 0, owner: "u")
        hot.remove(vehicleKey: 0, owner: "u") // twice: no-op
        hot.remove(vehicleKey: 12_345, owner: "u") // unknown: no-op
        hot.remove(vehicleKey: 1, owner: "nobody")
        #expect(hot.count == 199)
        #expect(hot.latest(vehicleKey: 0, owner: "u") == nil)
        #expect(!hot.nearest(owner: "u", latitude: 40, longitude: -3.7, limit: 500, maxDistanceMeters: 1e6).contains { $0.fix.vehicleKey == 0 })
        for k in 1..<200 { hot.remove(vehicleKey: Int64(k), owner: "u") }
        #expect(hot.count == 0)
        #expect(hot.latest(owner: "u").isEmpty)
        // The vehicle can come back, even with an older fix time: removal forgets the old one.
        #expect(hot.update(HotFix(vehicleKey: 0, latitude: 40, longitude: -3.7, fixTime: 0), owner: "u"))
        #expect(hot.count == 1)
    }

    @Test func concurrentUpdatesEndConsistent() async {
        let hot = HotPositions(cellDegrees: 0.1)
        let tasks = 8, perTask = 500, rounds = 20
        await withTaskGroup(of: Void.self) { group in
            for t in 0..<tasks {
                group.addTask {
                    var g = SeededGenerator(seed: UInt64(t))
                    for round in 0..<rounds {
                        for i in 0..<perTask {
                            // Vehicles shared between two tasks (t and t^1) race on purpose: fix times are
                            // round*10+t%2, so whatever the interleaving the highest wins.
                            let key = Int64((t / 2) * perTask + i)
                            let fix = HotFix(
                                vehicleKey: key, latitude: .random(in: 50...51, using: &g), longitude: .random(in: 4...5, using: &g),
                                fixTime: Int64(round * 10 + t % 2))
                            hot.update(fix, owner: "owner\(t / 4)")
                        }
                        _ = hot.nearest(owner: "owner\(t / 4)", latitude: 50.5, longitude: 4.5, limit: 10, maxDistanceMeters: 50_000)
                    }
                    hot.remove(vehicleKey: -1, owner: "owner0")
                }
            }
        }
        #expect(hot.count == (tasks / 2) * perTask)
        for owner in ["owner0", "owner1"] {
            let fixes = hot.latest(owner: owner)
            #expect(fixes.count == (tasks / 4) * perTask)
            #expect(fixes.allSatisfy { $0.fixTime == Int64((rounds - 1) * 10 + 1) })
            let got = hot.nearest(owner: owner, latitude: 50.5, longitude: 4.5, limit: 25, maxDistanceMeters: 30_000)
            #expect(matches(got, bruteForceNearest(fixes, latitude: 50.5, longitude: 4.5, limit: 25, maxDistanceMeters: 30_000)))
        }
    }
}
