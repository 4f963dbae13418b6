import Foundation
import GeoFleetCore
import Testing
@testable import GeoFleetFences

/// Border distances of each shape (negative inside), holes and corridor ends included.
@Suite struct ContainmentTests {
    let m = Metres()

    func distance(_ area: FenceArea, _ point: GeoPoint) -> Double {
        PreparedShape(area).signedDistance(to: point)
    }

    @Test func circleUsesGreatCircleDistance() {
        let area = FenceArea.circle(center: m.origin, radiusMeters: 500)
        #expect(abs(distance(area, m.point(east: 0, north: 300)) + 200) < 0.01)
        #expect(abs(distance(area, m.point(east: 0, north: 800)) - 300) < 0.01)
        #expect(abs(distance(area, m.origin) + 500) < 1e-6)
        let d = distance(area, m.point(east: 400, north: 400)) // √(400² + 400²) ≈ 565.7 m from the centre
        #expect(abs(d - 65.7) < 0.5, "\(d)")
    }

    @Test func polygonWithAHole() {
        let area = FenceArea.polygon(rings: [
            m.rectangle(west: 0, south: 0, east: 1000, north: 1000), m.rectangle(west: 400, south: 400, east: 600, north: 600),
        ])
        #expect(abs(distance(area, m.point(east: 200, north: 500)) + 200) < 0.5) // inside, 200 m from the hole and the west side
        #expect(abs(distance(area, m.point(east: 500, north: 500)) - 100) < 0.5) // in the hole: outside, 100 m from its edges
        #expect(abs(distance(area, m.point(east: 1050, north: 500)) - 50) < 0.5)
        #expect(abs(distance(area, m.point(east: 100, north: 950)) + 50) < 0.5)
        #expect(distance(area, m.point(east: -10, north: -10)) > 0)
    }

    @Test func concavePolygon() {
        // A U open to the north: the notch between x 300…700 above y 300 is outside.
        let u = [
            m.point(east: 0, north: 0), m.point(east: 1000, north: 0), m.point(east: 1000, north: 1000),
            m.point(east: 700, north: 1000), m.point(east: 700, north: 300), m.point(east: 300, north: 300),
            m.point(east: 300, north: 1000), m.point(east: 0, north: 1000),
        ]
        let area = FenceArea.polygon(rings: [u])
        #expect(distance(area, m.point(east: 500, north: 600)) > 150)
        #expect(distance(area, m.point(east: 150, north: 800)) < -100)
        #expect(distance(area, m.point(east: 500, north: 150)) < -100)
    }

    @Test("corridor: inside within half the width of the line, round caps at the ends")
    func corridor() {
        let line = [m.point(east: 0, north: 0), m.point(east: 1000, north: 0), m.point(east: 1000, north: 1000)]
        let area = FenceArea.corridor(line: line, widthMeters: 100)
        #expect(abs(distance(area, m.point(east: 500, north: 30)) + 20) < 0.5)
        #expect(abs(distance(area, m.point(east: 500, north: -80)) - 30) < 0.5)
        #expect(abs(distance(area, m.point(east: -40, north: 0)) + 10) < 0.5) // before the first point, within the cap
        #expect(abs(distance(area, m.point(east: -60, north: 0)) - 10) < 0.5)
        #expect(abs(distance(area, m.point(east: 1000, north: 1070)) - 20) < 0.5) // past the last point
        #expect(abs(distance(area, m.point(east: 1030, north: 500)) + 20) < 0.5) // along the second leg
        #expect(distance(area, m.point(east: 500, north: 500)) > 400) // inside the bend but far from both legs
    }

    @Test func candidatesHonourTheMargin() {
        var index = FenceIndex()
        index.upsert(Fence(id: fenceID(1), owner: "a", area: .circle(center: m.origin, radiusMeters: 100)))
        let point = m.point(east: 0, north: 160)
        #expect(index.candidates(near: point, owner: "a", marginMeters: 50).isEmpty)
        #expect(index.candidates(near: point, owner: "a", marginMeters: 70).map(\.id) == [fenceID(1)])
        #expect(index.candidates(near: m.point(east: 0, north: 5_100), owner: "a", marginMeters: 5_001).map(\.id) == [fenceID(1)])
        #expect(index.candidates(near: m.point(east: 0, north: 5_100), owner: "a", marginMeters: 4_900).isEmpty)
    }
}
