import GeoFleetCore
import GeoFleetMatching
import Testing

@Suite("Cargo index")
struct CargoIndexTests {
    static func cargo(_ id: String, _ lat: Double, _ lon: Double, status: String = "open") -> Cargo {
        Cargo(
            id: id, pickup: GeoPoint(latitude: lat, longitude: lon), delivery: GeoPoint(latitude: 45, longitude: 25),
            weightKg: 1000, loadingFrom: 0, loadingTo: 1, status: status)
    }

    @Test("nearest equals a brute-force scan, for random loads over Romania and random queries")
    func nearestMatchesBruteForce() {
        var rng = SeededGenerator(seed: 42)
        let index = CargoIndex()
        var all: [Cargo] = []
        for i in 0..<3000 {
            let c = Self.cargo("c\(i)", Double.random(in: 43.6...48.3, using: &rng), Double.random(in: 20.2...29.7, using: &rng))
            all.append(c)
            index.upsert(c)
        }
        #expect(index.count == 3000)
        for _ in 0..<60 {
            let q = GeoPoint(latitude: Double.random(in: 43...49, using: &rng), longitude: Double.random(in: 19.5...30.5, using: &rng))
            let limit = Int.random(in: 1...40, using: &rng)
            let radius = Double.random(in: 5_000...400_000, using: &rng)
            var scanned: [(id: String, meters: Double)] = []
            for c in all {
                let meters: Double = GreatCircle.distanceMeters(
                    lat1: q.latitude, lon1: q.longitude, lat2: c.pickup.latitude, lon2: c.pickup.longitude)
                if meters <= radius { scanned.append((c.id, meters)) }
            }
            scanned.sort { a, b in a.meters < b.meters || (a.meters == b.meters && a.id < b.id) }
            let expected: [String] = scanned.prefix(limit).map { $0.id }
            let got = index.nearest(to: q, limit: limit, maxMeters: radius).map(\.cargo.id)
            #expect(got == expected)
        }
    }

    @Test("a load that is no longer open leaves the index; a moved load is found at its new pickup only")
    func statusAndMoves() {
        let index = CargoIndex()
        #expect(index.upsert(Self.cargo("a", 44.43, 26.10)))
        #expect(!index.upsert(Self.cargo("a", 46.77, 23.60))) // moved to Cluj: not new
        #expect(index.nearest(to: GeoPoint(latitude: 44.43, longitude: 26.10), limit: 5, maxMeters: 50_000).isEmpty)
        #expect(index.nearest(to: GeoPoint(latitude: 46.77, longitude: 23.60), limit: 5, maxMeters: 50_000).map(\.cargo.id) == ["a"])
        #expect(!index.upsert(Self.cargo("a", 46.77, 23.60, status: "assigned")))
        #expect(index.cargo(id: "a") == nil)
        #expect(index.count == 0)
        index.upsert(Self.cargo("b", 45.0, 25.0))
        #expect(index.remove(id: "b")?.id == "b")
        #expect(index.remove(id: "b") == nil)
    }

    @Test("the filter applies before the limit")
    func filterBeforeLimit() {
        let index = CargoIndex()
        for i in 0..<10 { index.upsert(Self.cargo("near\(i)", 44.43 + Double(i) * 0.001, 26.1)) }
        index.upsert(Self.cargo("far-ok", 44.9, 26.1))
        let got = index.nearest(to: GeoPoint(latitude: 44.43, longitude: 26.1), limit: 1, maxMeters: 100_000) { $0.id == "far-ok" }
        #expect(got.map(\.cargo.id) == ["far-ok"])
    }
}
