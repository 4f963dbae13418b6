import Testing
@testable import GeoFleetGeometry

/// PROJ wrapper: reference EPSG:3035 coordinates (from `cs2cs EPSG:4326 EPSG:3035`), axis order, errors.
@Suite struct MetricProjectionTests {
    @Test("EPSG:3035 false origin and cs2cs reference points, x = easting, y = northing")
    func referencePoints() throws {
        let projection = try MetricProjection()
        let out = try projection.forward([
            (latitude: 52, longitude: 10), // false origin: E 4 321 000, N 3 210 000
            (latitude: 45, longitude: 25),
            (latitude: 44.4268, longitude: 26.1025), // Bucharest
        ])
        let expected: [(x: Double, y: Double)] = [
            (4_321_000, 3_210_000),
            (5_496_673.766703, 2_550_763.793842),
            (5_594_554.369157, 2_506_364.997993),
        ]
        #expect(out.count == 3)
        for (o, e) in zip(out, expected) {
            #expect(abs(o.x - e.x) < 1e-3, "x \(o.x) vs \(e.x)")
            #expect(abs(o.y - e.y) < 1e-3, "y \(o.y) vs \(e.y)")
        }
        // Moving east grows x only, moving north grows y only (around the projection centre).
        let moved = try projection.forward([(latitude: 52, longitude: 10.01), (latitude: 52.01, longitude: 10)])
        #expect(moved[0].x - 4_321_000 > 680 && abs(moved[0].y - 3_210_000) < 1)
        #expect(moved[1].y - 3_210_000 > 1_100 && abs(moved[1].x - 4_321_000) < 1e-6)
        #expect(try projection.forward([]).isEmpty)
    }

    @Test func unknownCRSIsATypedError() {
        #expect(throws: GeometryError.self) { try MetricProjection(targetCRS: "EPSG:999999") }
        do {
            _ = try MetricProjection(targetCRS: "EPSG:999999")
            Issue.record("expected an error")
        } catch {
            guard case .projectionUnavailable(let reason) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(reason.contains("EPSG:999999"))
        }
    }

    @Test("proj.db not found: projectionUnavailable, no crash")
    func missingDatabase() {
        do {
            _ = try MetricProjection(targetCRS: "EPSG:3035", searchPaths: ["/nonexistent/geofleet-proj-data"])
            Issue.record("expected an error")
        } catch {
            guard case .projectionUnavailable(let reason) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(reason.lowercased().contains("proj.db"), "\(reason)")
        }
    }

    @Test func invalidCoordinatesThrowWithTheirIndex() throws {
        let projection = try MetricProjection()
        #expect(throws: GeometryError.transformFailed(index: 1, reason: "invalid coordinate (nan, 10.0)")) {
            try projection.forward([(latitude: 52, longitude: 10), (latitude: .nan, longitude: 10)])
        }
        #expect(throws: GeometryError.self) { try projection.forward([(latitude: 91, longitude: 10)]) }
    }

    @Test("shared instance used from concurrent tasks gives identical results")
    func concurrentUse() async throws {
        let projection = try MetricProjection()
        let input: [(latitude: Double, longitude: Double)] = (0..<2_000).map { i in
            let f = Double(i) * 1e-3
            return (latitude: 44 + f, longitude: 26 - f)
        }
        let reference = try projection.forward(input)
        let same = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let out = try projection.forward(input)
                    return zip(out, reference).allSatisfy { $0.x == $1.x && $0.y == $1.y }
                }
            }
            return try await group.reduce(true) { $0 && $1 }
        }
        #expect(same)
    }
}
