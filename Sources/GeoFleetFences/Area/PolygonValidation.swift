import GeoFleetCore

/// Polygon checks in the (long, lat) plane, where GeoJSON edges are straight lines.
enum PolygonValidation {
    static func validated(_ rings: [[GeoPoint]]) throws(FenceAreaError) -> [[GeoPoint]] {
        guard !rings.isEmpty else { throw FenceAreaError("polygon needs at least one ring") }
        let total = rings.reduce(0) { $0 + $1.count }
        guard total <= FenceArea.maxVertices else {
            throw FenceAreaError("polygon has \(total) positions, more than the \(FenceArea.maxVertices) allowed")
        }
        var closed: [[GeoPoint]] = []
        closed.reserveCapacity(rings.count)
        for (r, ring) in rings.enumerated() {
            for (i, point) in ring.enumerated() { try FenceArea.checkPosition(point, "polygon ring \(r) position \(i)") }
            // Repeated consecutive positions are legal GeoJSON but make zero-length edges; drop them.
            var cleaned: [GeoPoint] = []
            cleaned.reserveCapacity(ring.count + 1)
            for point in ring where cleaned.last != point { cleaned.append(point) }
            if let first = cleaned.first, cleaned.count > 1, cleaned.last != first { cleaned.append(first) }
            guard cleaned.count >= 4 else {
                throw FenceAreaError("polygon ring \(r) needs at least 4 positions (3 distinct corners, closed), got \(ring.count)")
            }
            closed.append(cleaned)
        }
        // Crossings first: a bowtie's two lobes cancel to zero area, and "intersects itself" is the better reason.
        try checkIntersections(closed)
        for (r, ring) in closed.enumerated() where abs(areaSquareMeters(ring)) < 1 {
            throw FenceAreaError("polygon ring \(r) has zero area")
        }
        let shell = closed[0]
        for h in closed.indices.dropFirst() {
            let probe = closed[h][0]
            guard contains(shell, probe) else { throw FenceAreaError("polygon hole \(h) (ring \(h)) lies outside the shell") }
            for other in closed.indices.dropFirst() where other != h && contains(closed[other], probe) {
                throw FenceAreaError("polygon hole \(h) lies inside hole \(other)")
            }
        }
        return closed
    }

    /// Shoelace area of a closed ring, in a local metric frame around its first position.
    static func areaSquareMeters(_ ring: [GeoPoint]) -> Double {
        let frame = LocalFrame(latitude: ring[0].latitude, longitude: ring[0].longitude)
        var twice = 0.0
        for i in 0..<(ring.count - 1) {
            let a = ring[i]
            let b = ring[i + 1]
            twice +=
                frame.x(longitude: a.longitude) * frame.y(latitude: b.latitude) - frame.x(longitude: b.longitude) * frame.y(latitude: a.latitude)
        }
        return twice / 2
    }

    /// Even-odd point in a closed ring, in the (long, lat) plane.
    static func contains(_ ring: [GeoPoint], _ point: GeoPoint) -> Bool {
        var inside = false
        for i in 0..<(ring.count - 1) {
            let a = ring[i]
            let b = ring[i + 1]
            if (a.latitude > point.latitude) != (b.latitude > point.latitude) {
                let x = a.longitude + (point.latitude - a.latitude) / (b.latitude - a.latitude) * (b.longitude - a.longitude)
                if point.longitude < x { inside.toggle() }
            }
        }
        return inside
    }

    private struct Edge {
        var ring: Int
        var index: Int
        var edgesInRing: Int
        var ax: Double, ay: Double, bx: Double, by: Double
        var minX: Double { min(ax, bx) }
        var maxX: Double { max(ax, bx) }
    }

    /// Sweeps edges sorted by their west end, so only edges whose longitude spans overlap are compared
    /// (rings of up to 10,000 positions would take 50 million pair tests otherwise).
    private static func checkIntersections(_ rings: [[GeoPoint]]) throws(FenceAreaError) {
        var edges: [Edge] = []
        for (r, ring) in rings.enumerated() {
            for i in 0..<(ring.count - 1) {
                edges.append(
                    Edge(
                        ring: r, index: i, edgesInRing: ring.count - 1, ax: ring[i].longitude, ay: ring[i].latitude,
                        bx: ring[i + 1].longitude, by: ring[i + 1].latitude))
            }
        }
        edges.sort { $0.minX < $1.minX }
        for i in edges.indices {
            let e = edges[i]
            let eMaxX = e.maxX
            var j = i + 1
            while j < edges.count, edges[j].minX <= eMaxX {
                let f = edges[j]
                j += 1
                guard max(e.ay, e.by) >= min(f.ay, f.by), max(f.ay, f.by) >= min(e.ay, e.by) else { continue }
                if e.ring == f.ring {
                    let n = e.edgesInRing
                    if (e.index + 1) % n == f.index {
                        if foldsBack(e, f) { throw selfIntersection(e.ring, f.ax, f.ay) }
                    } else if (f.index + 1) % n == e.index {
                        if foldsBack(f, e) { throw selfIntersection(e.ring, e.ax, e.ay) }
                    } else if PlanarMath.segmentsTouch(e.ax, e.ay, e.bx, e.by, f.ax, f.ay, f.bx, f.by) {
                        let (x, y) = meeting(e, f)
                        throw selfIntersection(e.ring, x, y)
                    }
                } else if PlanarMath.segmentsTouch(e.ax, e.ay, e.bx, e.by, f.ax, f.ay, f.bx, f.by) {
                    let (x, y) = meeting(e, f)
                    throw FenceAreaError(
                        "polygon rings \(min(e.ring, f.ring)) and \(max(e.ring, f.ring)) touch or cross near (\(rounded(y)), \(rounded(x)))")
                }
            }
        }
    }

    /// Consecutive edges a→b, b→c overlap when c lies back along a→b (a spike).
    private static func foldsBack(_ first: Edge, _ second: Edge) -> Bool {
        PlanarMath.cross(first.ax, first.ay, first.bx, first.by, second.bx, second.by) == 0
            && (first.bx - first.ax) * (second.bx - second.ax) + (first.by - first.ay) * (second.by - second.ay) < 0
    }

    private static func meeting(_ e: Edge, _ f: Edge) -> (Double, Double) {
        if let t = PlanarMath.intersectionParameter(e.ax, e.ay, e.bx, e.by, f.ax, f.ay, f.bx, f.by) {
            return (e.ax + t * (e.bx - e.ax), e.ay + t * (e.by - e.ay))
        }
        return (f.ax, f.ay) // collinear overlap: any shared end will do for "near"
    }

    private static func selfIntersection(_ ring: Int, _ x: Double, _ y: Double) -> FenceAreaError {
        FenceAreaError("polygon ring \(ring) intersects itself near (\(rounded(y)), \(rounded(x)))")
    }

    private static func rounded(_ value: Double) -> Double { (value * 100_000).rounded() / 100_000 }
}
