import Foundation
import GeoFleetCore
import Testing
@testable import GeoFleetFences

/// `FenceArea.validated()`: ranges, ring shape, self-intersection, holes, vertex limit, with reasons users can act on.
@Suite struct AreaValidationTests {
    let m = Metres()

    func reason(_ area: FenceArea) -> String? {
        do {
            _ = try area.validated()
            return nil
        } catch {
            return error.description
        }
    }

    @Test("a bowtie ring is refused, naming the ring and where it crosses itself")
    func bowtie() throws {
        let bowtie = [
            m.point(east: 0, north: 0), m.point(east: 1000, north: 1000), m.point(east: 1000, north: 0),
            m.point(east: 0, north: 1000), m.point(east: 0, north: 0),
        ]
        let message = try #require(reason(.polygon(rings: [bowtie])))
        #expect(message.contains("ring 0 intersects itself"), "\(message)")
        // The crossing is at the middle, (500 m, 500 m): the message names it to about a metre.
        let centre = m.point(east: 500, north: 500)
        #expect(message.contains("\((centre.latitude * 100_000).rounded() / 100_000)"), "\(message)")

        let hole = [
            m.point(east: 100, north: 100), m.point(east: 400, north: 400), m.point(east: 400, north: 100),
            m.point(east: 100, north: 400),
        ]
        let inHole = try #require(reason(.polygon(rings: [m.rectangle(west: 0, south: 0, east: 1000, north: 1000), hole])))
        #expect(inHole.contains("ring 1 intersects itself"), "\(inHole)")
    }

    @Test func spikeBackAlongAnEdgeIsASelfIntersection() throws {
        let spike = [
            m.point(east: 0, north: 0), m.point(east: 1000, north: 0), m.point(east: 1000, north: 1000),
            m.point(east: 1000, north: 500), m.point(east: 0, north: 1000),
        ]
        #expect(try #require(reason(.polygon(rings: [spike]))).contains("intersects itself"))
    }

    @Test func openRingsAreClosedAndValidRingsPass() throws {
        let open = Array(m.rectangle(west: 0, south: 0, east: 500, north: 500).dropLast())
        guard case .polygon(let rings) = try FenceArea.polygon(rings: [open]).validated() else {
            Issue.record("not a polygon")
            return
        }
        #expect(rings[0].count == 5 && rings[0].first == rings[0].last)
        let withHole = FenceArea.polygon(rings: [
            m.rectangle(west: 0, south: 0, east: 1000, north: 1000), m.rectangle(west: 200, south: 200, east: 400, north: 400),
        ])
        #expect(try withHole.validated() == withHole)
    }

    @Test func holeOutsideTheShell() throws {
        let area = FenceArea.polygon(rings: [
            m.rectangle(west: 0, south: 0, east: 1000, north: 1000), m.rectangle(west: 2000, south: 0, east: 2500, north: 500),
        ])
        #expect(try #require(reason(area)).contains("hole 1 (ring 1) lies outside the shell"))
        let crossing = FenceArea.polygon(rings: [
            m.rectangle(west: 0, south: 0, east: 1000, north: 1000), m.rectangle(west: 800, south: 200, east: 1200, north: 400),
        ])
        #expect(try #require(reason(crossing)).contains("rings 0 and 1 touch or cross"))
    }

    @Test func tooManyVertices() throws {
        let n = FenceArea.maxVertices + 1
        let ring = (0..<n).map { i in
            let a = Double(i) / Double(n) * 2 * Double.pi
            return m.point(east: 1000 * cos(a), north: 1000 * sin(a))
        }
        #expect(try #require(reason(.polygon(rings: [ring]))).contains("more than the 10000 allowed"))
        let line = (0..<n).map { m.point(east: Double($0), north: 0) }
        #expect(try #require(reason(.corridor(line: line, widthMeters: 10))).contains("more than the 10000 allowed"))
    }

    @Test func notANumberAndOutOfRangeCoordinates() throws {
        let nan = GeoPoint(latitude: .nan, longitude: 11)
        #expect(try #require(reason(.circle(center: nan, radiusMeters: 100))).contains("finite"))
        var ring = m.rectangle(west: 0, south: 0, east: 100, north: 100)
        ring[2] = GeoPoint(latitude: 48, longitude: .infinity)
        #expect(try #require(reason(.polygon(rings: [ring]))).contains("ring 0 position 2"))
        #expect(try #require(reason(.circle(center: GeoPoint(latitude: 91, longitude: 0), radiusMeters: 100))).contains("latitude 91"))
        let east = GeoPoint(latitude: 0, longitude: 180.5)
        #expect(try #require(reason(.corridor(line: [m.origin, east], widthMeters: 10))).contains("longitude 180.5"))
    }

    @Test(arguments: [0.0, 0.99, 1_000_000.5, -5, Double.nan, Double.infinity])
    func radiusOutOfRange(radius: Double) throws {
        #expect(try #require(reason(.circle(center: m.origin, radiusMeters: radius))).contains("radius must be between 1 m and 1000 km"))
    }

    @Test(arguments: [1.0, 30, 1_000_000])
    func radiusInRange(radius: Double) throws {
        #expect(reason(.circle(center: m.origin, radiusMeters: radius)) == nil)
    }

    @Test func corridorWidthAndLine() throws {
        let line = [m.origin, m.point(east: 1000, north: 0)]
        #expect(try #require(reason(.corridor(line: line, widthMeters: 0.5))).contains("width"))
        #expect(try #require(reason(.corridor(line: line, widthMeters: 100_001))).contains("width"))
        #expect(reason(.corridor(line: line, widthMeters: 100_000)) == nil)
        #expect(try #require(reason(.corridor(line: [m.origin], widthMeters: 10))).contains("at least 2 points"))
        #expect(try #require(reason(.corridor(line: [m.origin, m.origin], widthMeters: 10))).contains("zero length"))
    }

    @Test func shortAndFlatRings() throws {
        let two = [m.origin, m.point(east: 100, north: 0), m.origin]
        #expect(try #require(reason(.polygon(rings: [two]))).contains("at least 4 positions"))
        let flat = [m.origin, m.point(east: 100, north: 0), m.point(east: 200, north: 0), m.origin]
        let message = try #require(reason(.polygon(rings: [flat])))
        #expect(message.contains("zero area") || message.contains("intersects itself"), "\(message)")
        #expect(try #require(reason(.polygon(rings: []))).contains("at least one ring"))
    }

    @Test func invalidAreasAreNotIndexed() {
        var index = FenceIndex()
        let bad = Fence(id: fenceID(1), owner: "a", area: .circle(center: m.origin, radiusMeters: 0))
        #expect(index.upsert(bad) == false)
        #expect(index.count == 0 && index.fence(id: fenceID(1)) == nil)
    }
}
