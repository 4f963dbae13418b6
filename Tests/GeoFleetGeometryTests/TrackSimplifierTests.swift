import GeoFleetCore
import Testing
@testable import GeoFleetGeometry

/// Douglas-Peucker through PROJ + GEOS, mapped back to the original fixes.
@Suite struct TrackSimplifierTests {
    let frame = LocalFrame()

    /// 100 fixes on a 9.9 km straight diagonal with deterministic lateral noise of at most 1 m.
    func noisyLine() -> [TrackPoint] {
        var g = SeededGenerator(seed: 42)
        return (0..<100).map { i in
            let s = Double(i) * 100
            let noise = Double.random(in: -1...1, using: &g)
            // Direction (0.8, 0.6); noise along the normal (-0.6, 0.8).
            return frame.point(
                east: s * 0.8 - noise * 0.6, north: s * 0.6 + noise * 0.8, time: t0 + Int64(i) * 10_000,
                speed: Double(i))
        }
    }

    @Test func noisyStraightLineBecomesTwoPoints() throws {
        let projection = try MetricProjection()
        let line = noisyLine()
        let simplified = try TrackSimplifier.simplify(line, toleranceMetres: 10, projection: projection)
        #expect(simplified == [line[0], line[99]])
        // The noise is real: at 10 cm most fixes survive.
        let fine = try TrackSimplifier.simplify(line, toleranceMetres: 0.1, projection: projection)
        #expect(fine.count > 50)
        #expect(fine.first == line.first && fine.last == line.last)
    }

    @Test(arguments: [false, true])
    func zigZagKeepsItsCorners(preserveTopology: Bool) throws {
        let projection = try MetricProjection()
        // 8 legs of 1 km east, alternating 500 m north/south; 10 fixes a leg, ≤ 1 m noise.
        var g = SeededGenerator(seed: 7)
        var points: [TrackPoint] = []
        var corners: [Int] = []
        for leg in 0..<8 {
            let north0 = leg % 2 == 0 ? 0.0 : 500.0
            let north1 = leg % 2 == 0 ? 500.0 : 0.0
            for k in 0..<10 {
                if k == 0 { corners.append(points.count) }
                let f = Double(k) / 10
                let noise = k == 0 ? 0 : Double.random(in: -1...1, using: &g)
                points.append(
                    frame.point(
                        east: (Double(leg) + f) * 1000, north: north0 + (north1 - north0) * f + noise,
                        time: t0 + Int64(points.count) * 7_000, speed: Double(points.count % 90)))
            }
        }
        corners.append(points.count)
        points.append(frame.point(east: 8000, north: 0, time: t0 + Int64(points.count) * 7_000, speed: 3))
        let simplified = try TrackSimplifier.simplify(
            points, toleranceMetres: 50, projection: projection, preserveTopology: preserveTopology)
        #expect(simplified.count == 9)
        #expect(simplified == corners.map { points[$0] }) // original timestamps, speeds and headings
        #expect(simplified.map(\.time) == corners.map { t0 + Int64($0) * 7_000 })
    }

    @Test func zeroToleranceAndShortTracksAreUnchanged() throws {
        let projection = try MetricProjection()
        let line = noisyLine()
        #expect(try TrackSimplifier.simplify(line, toleranceMetres: 0, projection: projection) == line)
        #expect(try TrackSimplifier.simplify(line, toleranceMetres: -5, projection: projection) == line)
        #expect(try TrackSimplifier.simplify(line, toleranceMetres: .nan, projection: projection) == line)
        let two = Array(line.prefix(2))
        #expect(try TrackSimplifier.simplify(two, toleranceMetres: 1_000, projection: projection) == two)
        #expect(try TrackSimplifier.simplify([], toleranceMetres: 10, projection: projection) == [])
    }

    @Test("a parked stretch of identical coordinates maps back to distinct, ordered fixes")
    func repeatedCoordinates() throws {
        let projection = try MetricProjection()
        var points = (0..<10).map { frame.point(east: Double($0) * 100, north: 0, time: t0 + Int64($0) * 1000) }
        points += (10..<30).map { frame.point(east: 900, north: 0, time: t0 + Int64($0) * 1000) }
        points += (30..<40).map { frame.point(east: 900, north: Double($0 - 29) * 100, time: t0 + Int64($0) * 1000) }
        let simplified = try TrackSimplifier.simplify(points, toleranceMetres: 5, projection: projection)
        #expect(simplified.count == 3)
        #expect(simplified.first == points.first && simplified.last == points.last)
        #expect(zip(simplified, simplified.dropFirst()).allSatisfy { $0.time < $1.time })
        #expect(simplified[1].latitude == points[9].latitude && simplified[1].longitude == points[9].longitude)
    }

    @Test("GEOS carries z (the vertex index) through simplification")
    func geosKeepsZ() throws {
        let session = try GEOSSession()
        let xyz: [Double] = [0, 0, 10, 2.5, 2.49, 11, 5, 5, 12, 10, 0, 13]
        #expect(try session.simplifyLine(xyz: xyz, tolerance: 1, preserveTopology: false) == [0, 0, 10, 5, 5, 12, 10, 0, 13])
        #expect(try session.simplifyLine(xyz: xyz, tolerance: 1, preserveTopology: true) == [0, 0, 10, 5, 5, 12, 10, 0, 13])
    }

    @Test("index mapping falls back to in-order coordinate matching when z is lost")
    func keptIndicesFallback() throws {
        let projected: [(x: Double, y: Double)] = [(0, 0), (5, 5), (5, 5), (10, 0), (20, 0)]
        let kept: [Double] = [0, 0, .nan, 5, 5, .nan, 10, 0, .nan, 20, 0, .nan]
        #expect(try TrackSimplifier.keptIndices(kept, projected: projected) == [0, 1, 3, 4])
        let viaZ: [Double] = [0, 0, 0, 5, 5, 2, 20, 0, 4]
        #expect(try TrackSimplifier.keptIndices(viaZ, projected: projected) == [0, 2, 4])
        #expect(throws: GeometryError.self) {
            try TrackSimplifier.keptIndices([0, 0, .nan, 7, 7, .nan], projected: projected)
        }
    }
}
