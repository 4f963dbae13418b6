/// Douglas-Peucker simplification of a track with a tolerance in metres (PROJ to a metric CRS, then GEOS).
public enum TrackSimplifier {
    /// The subset of `points` GEOS keeps, with their original times, speeds and headings.
    ///
    /// Fewer than 3 points, or a tolerance that is not > 0 (0, negative, NaN), return `points` unchanged.
    /// First and last points are always kept. `preserveTopology` uses `GEOSTopologyPreserveSimplify_r`
    /// (no new self-intersections, may keep more points) instead of plain DP (`GEOSSimplify_r`).
    /// The tolerance is in the projection's metres (EPSG:3035 is equal-area, so lengths are off by ~1-2 % in the EU).
    public static func simplify(
        _ points: [TrackPoint], toleranceMetres: Double, projection: MetricProjection, preserveTopology: Bool = false
    ) throws(GeometryError) -> [TrackPoint] {
        try simplifiedIndices(points, toleranceMetres: toleranceMetres, projection: projection, preserveTopology: preserveTopology)
            .map { points[$0] }
    }

    /// The indices into `points` of the vertices `simplify` keeps, in order (for callers that carry
    /// more per point than a `TrackPoint` holds).
    public static func simplifiedIndices(
        _ points: [TrackPoint], toleranceMetres: Double, projection: MetricProjection, preserveTopology: Bool = false
    ) throws(GeometryError) -> [Int] {
        guard points.count >= 3, toleranceMetres > 0 else { return Array(points.indices) }
        let projected = try projection.forward(points.map { (latitude: $0.latitude, longitude: $0.longitude) })
        // z carries each vertex's index through GEOS (which simplifies in 2D and copies kept vertices verbatim),
        // so the mapping back is exact even for repeated coordinates (a parked vehicle) or self-crossing tracks.
        var xyz: [Double] = []
        xyz.reserveCapacity(projected.count * 3)
        for (i, p) in projected.enumerated() {
            xyz.append(p.x)
            xyz.append(p.y)
            xyz.append(Double(i))
        }
        let session = try GEOSSession()
        let kept = try session.simplifyLine(xyz: xyz, tolerance: toleranceMetres, preserveTopology: preserveTopology)
        return try keptIndices(kept, projected: projected)
    }

    /// Indices of the kept vertices from their z; if z did not survive, matches coordinates in order instead.
    static func keptIndices(_ kept: [Double], projected: [(x: Double, y: Double)]) throws(GeometryError) -> [Int] {
        let n = projected.count
        var indices: [Int] = []
        indices.reserveCapacity(kept.count / 3)
        var zUsable = true
        for k in stride(from: 0, to: kept.count, by: 3) {
            let z = kept[k + 2]
            guard z.isFinite, z >= 0, z < Double(n), z == z.rounded(), Int(z) > (indices.last ?? -1),
                projected[Int(z)].x == kept[k], projected[Int(z)].y == kept[k + 1]
            else {
                zUsable = false
                break
            }
            indices.append(Int(z))
        }
        if !zUsable {
            indices.removeAll(keepingCapacity: true)
            var j = 0
            for k in stride(from: 0, to: kept.count, by: 3) {
                while j < n, !(projected[j].x == kept[k] && projected[j].y == kept[k + 1]) { j += 1 }
                guard j < n else { throw .geometryFailed("simplified vertex \(k / 3) is not an input vertex") }
                indices.append(j)
                j += 1
            }
        }
        if indices.first != 0 { indices.insert(0, at: 0) }
        if indices.last != n - 1 { indices.append(n - 1) }
        return indices
    }
}
