import Foundation

/// A uniform grid over the road segments a profile can drive, for nearest-segment queries. Big strongly
/// connected components are preferred, as OSRM does: a point snaps to a fragment only when no big component is near.
struct SegmentIndex: Sendable {
    static let cellDegrees = 0.005
    static let metersPerDegree = 6_371_008.8 * Double.pi / 180

    /// A point on the network: the edge, how far along it (0…1 by distance) and where.
    struct Hit {
        var edge: Int
        var fraction: Double
        var latitude: Double
        var longitude: Double
        var distanceMeters: Double
    }

    private let keys: [Int64]
    private let cellStart: [UInt32]
    /// First point of each indexed segment; the segment runs to the next point of the same edge.
    private let segmentPoint: [UInt32]
    private let segmentEdge: [UInt32]
    /// Per edge: 1 when either direction lies in a big component.
    private let edgeIsBig: [UInt8]

    init(graph: RoutingGraph) {
        var entries: [(key: Int64, point: UInt32, edge: UInt32)] = []
        entries.reserveCapacity(graph.latE7.count + graph.latE7.count / 2)
        var edgeIsBig = [UInt8](repeating: 0, count: graph.edgeCount)
        for edge in 0..<graph.edgeCount where graph.isDrivable(edge * 2) || graph.isDrivable(edge * 2 + 1) {
            if graph.inBigComponent[edge * 2] == 1 || graph.inBigComponent[edge * 2 + 1] == 1 { edgeIsBig[edge] = 1 }
            let first = Int(graph.geometryStart[edge]), last = Int(graph.geometryStart[edge + 1]) - 1
            for point in first..<last {
                let lat1 = Double(graph.latE7[point]) / 1e7, lon1 = Double(graph.lonE7[point]) / 1e7
                let lat2 = Double(graph.latE7[point + 1]) / 1e7, lon2 = Double(graph.lonE7[point + 1]) / 1e7
                let (y1, x1) = Self.cell(lat1, lon1), (y2, x2) = Self.cell(lat2, lon2)
                for y in min(y1, y2)...max(y1, y2) {
                    for x in min(x1, x2)...max(x1, x2) {
                        entries.append((Self.key(y, x), UInt32(point), UInt32(edge)))
                    }
                }
            }
        }
        entries.sort { $0.key < $1.key || ($0.key == $1.key && $0.point < $1.point) }
        var keys: [Int64] = []
        var cellStart: [UInt32] = []
        for (index, entry) in entries.enumerated() where keys.last != entry.key {
            keys.append(entry.key)
            cellStart.append(UInt32(index))
        }
        cellStart.append(UInt32(entries.count))
        self.keys = keys
        self.cellStart = cellStart
        self.edgeIsBig = edgeIsBig
        segmentPoint = entries.map(\.point)
        segmentEdge = entries.map(\.edge)
    }

    static func cell(_ lat: Double, _ lon: Double) -> (Int32, Int32) {
        (Int32((lat / cellDegrees).rounded(.down)), Int32((lon / cellDegrees).rounded(.down)))
    }

    static func key(_ y: Int32, _ x: Int32) -> Int64 { Int64(y) << 32 | Int64(UInt32(bitPattern: x)) }

    /// The nearest indexed segment within `maxMeters`, searching rings of cells outwards until nothing closer can remain.
    func nearest(latitude: Double, longitude: Double, maxMeters: Double, graph: RoutingGraph) -> Hit? {
        guard !keys.isEmpty, latitude.isFinite, longitude.isFinite else { return nil }
        let cosLat = cos(latitude * .pi / 180)
        let cellMeters = Self.cellDegrees * Self.metersPerDegree * max(cosLat, 0.01)
        let (cy, cx) = Self.cell(latitude, longitude)
        var best: Hit?
        var bestAny: Hit?
        var ring: Int32 = 0
        while true {
            for y in (cy - ring)...(cy + ring) {
                let onEdgeRow = y == cy - ring || y == cy + ring
                var x = cx - ring
                while x <= cx + ring {
                    scan(cell: Self.key(y, x), latitude: latitude, longitude: longitude, cosLat: cosLat, graph: graph, best: &best, bestAny: &bestAny)
                    x += onEdgeRow || ring == 0 ? 1 : 2 * ring
                }
            }
            let cleared = Double(ring) * cellMeters
            if let found = best, found.distanceMeters <= cleared { break }
            if cleared > maxMeters { break }
            ring += 1
        }
        if let best, best.distanceMeters <= maxMeters { return best }
        guard let bestAny, bestAny.distanceMeters <= maxMeters else { return nil }
        return bestAny
    }

    private func scan(
        cell key: Int64, latitude: Double, longitude: Double, cosLat: Double, graph: RoutingGraph, best: inout Hit?, bestAny: inout Hit?
    ) {
        var low = 0, high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        guard low < keys.count, keys[low] == key else { return }
        let scale = Self.metersPerDegree
        for entry in Int(cellStart[low])..<Int(cellStart[low + 1]) {
            let point = Int(segmentPoint[entry])
            // Local plane around the query point, metres.
            let ax = (Double(graph.lonE7[point]) / 1e7 - longitude) * cosLat * scale
            let ay = (Double(graph.latE7[point]) / 1e7 - latitude) * scale
            let bx = (Double(graph.lonE7[point + 1]) / 1e7 - longitude) * cosLat * scale
            let by = (Double(graph.latE7[point + 1]) / 1e7 - latitude) * scale
            let dx = bx - ax, dy = by - ay
            let lengthSquared = dx * dx + dy * dy
            var t = lengthSquared > 0 ? -(ax * dx + ay * dy) / lengthSquared : 0
            t = min(max(t, 0), 1)
            let px = ax + t * dx, py = ay + t * dy
            let distance = (px * px + py * py).squareRoot()
            let edge = Int(segmentEdge[entry])
            let big = edgeIsBig[edge] == 1
            func beats(_ current: Hit?) -> Bool {
                guard let current else { return true }
                return distance < current.distanceMeters || (distance == current.distanceMeters && edge < current.edge)
            }
            guard beats(bestAny) || (big && beats(best)) else { continue }
            let last = Int(graph.geometryStart[edge + 1]) - 1
            let total = Double(graph.pointOffset[last])
            let along = Double(graph.pointOffset[point]) + t * Double(graph.pointOffset[point + 1] - graph.pointOffset[point])
            let hit = Hit(
                edge: edge, fraction: total > 0 ? min(max(along / total, 0), 1) : 0,
                latitude: latitude + py / scale, longitude: longitude + px / (cosLat * scale), distanceMeters: distance
            )
            if beats(bestAny) { bestAny = hit }
            if big, beats(best) { best = hit }
        }
    }
}
