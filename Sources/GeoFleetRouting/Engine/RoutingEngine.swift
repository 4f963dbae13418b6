import Foundation
import GeoFleetCore

/// Answers routes and matrices on one profile's graph: snaps points to the network, runs the
/// contraction-hierarchy searches, and turns the result into metres, seconds and a line.
public final class RoutingEngine: Sendable {
    public let graph: RoutingGraph
    /// Default snapping limit in metres.
    public let maxSnapMeters: Double
    let index: SegmentIndex
    private let queries: QueryPool
    /// The network's bounding box (south, west, north, east), widened by the snapping limit.
    public let coverage: (south: Double, west: Double, north: Double, east: Double)

    public init(graph: RoutingGraph, maxSnapMeters: Double = 1000) {
        self.graph = graph
        self.maxSnapMeters = maxSnapMeters
        index = SegmentIndex(graph: graph)
        queries = QueryPool(graph: graph.hierarchy)
        var south = 90.0, west = 180.0, north = -90.0, east = -180.0
        for point in 0..<graph.latE7.count {
            let lat = Double(graph.latE7[point]) / 1e7, lon = Double(graph.lonE7[point]) / 1e7
            south = min(south, lat); north = max(north, lat); west = min(west, lon); east = max(east, lon)
        }
        let margin = maxSnapMeters / 111_000
        coverage = (south - margin, west - margin * 2, north + margin, east + margin * 2)
    }

    /// Whether the point lies in the area this graph covers: outside it, "no road nearby" means "not our map", not "off the road".
    public func covers(_ point: GeoPoint) -> Bool {
        point.latitude >= coverage.south && point.latitude <= coverage.north
            && point.longitude >= coverage.west && point.longitude <= coverage.east
    }

    public var profile: VehicleProfile { graph.profile }

    /// The nearest point on a road this profile can drive, or nil beyond the limit.
    public func snap(_ point: GeoPoint, maxMeters: Double? = nil) -> SnappedPoint? {
        guard
            let hit = index.nearest(
                latitude: point.latitude, longitude: point.longitude, maxMeters: maxMeters ?? maxSnapMeters, graph: graph
            )
        else { return nil }
        return SnappedPoint(
            input: point, location: GeoPoint(latitude: hit.latitude, longitude: hit.longitude),
            distanceMeters: hit.distanceMeters, wayID: graph.wayIDs[hit.edge], edge: hit.edge, fraction: hit.fraction
        )
    }

    /// The fastest road route for this profile between two points.
    public func route(from: GeoPoint, to: GeoPoint, geometry: Bool = false, maxSnapMeters: Double? = nil) throws -> RoadRoute {
        let limit = maxSnapMeters ?? self.maxSnapMeters
        guard let source = snap(from, maxMeters: limit) else { throw RoutingError.noRoadNearby(point: "from", limitMeters: limit) }
        guard let target = snap(to, maxMeters: limit) else { throw RoutingError.noRoadNearby(point: "to", limitMeters: limit) }
        return try route(from: source, to: target, geometry: geometry)
    }

    /// The fastest road route between two already snapped points.
    public func route(from source: SnappedPoint, to target: SnappedPoint, geometry: Bool) throws -> RoadRoute {
        var sources = endpoints(source, asSource: true)
        let targets = endpoints(target, asSource: false)
        // A target behind the source on the same directed road: the route must leave and come back,
        // which an up-down search from that node cannot express, so start from its successors too.
        var prefix: [Int: UInt32] = [:]
        var loop: HierarchyPath?
        for endpoint in sources where targets.contains(where: { $0.node == endpoint.node && $0.weight + endpoint.weight < 0 }) {
            let node = Int(endpoint.node)
            for arc in Int(graph.arcStart[node])..<Int(graph.arcStart[node + 1]) {
                let start = SearchEndpoint(
                    node: graph.arcTarget[arc], weight: endpoint.weight + Int64(graph.arcWeight[arc]),
                    duration: endpoint.duration + Int64(graph.arcDuration[arc]),
                    distance: endpoint.distance + Int64(graph.nodeDistance[node])
                )
                guard start.node == endpoint.node else {
                    prefix[sources.count] = endpoint.node
                    sources.append(start)
                    continue
                }
                // A closed way turning into itself: the loop is the whole answer for this start.
                for target in targets where target.node == endpoint.node {
                    let weight = start.weight + target.weight
                    if loop == nil || weight < loop!.weight {
                        loop = HierarchyPath(
                            weight: weight, duration: start.duration + target.duration, distance: start.distance + target.distance,
                            sourceIndex: -1, targetIndex: -1, nodes: [endpoint.node, endpoint.node]
                        )
                    }
                }
            }
        }
        let searched = sources.isEmpty || targets.isEmpty ? nil : queries.with { $0.route(from: sources, to: targets, unpack: geometry) }
        var best = searched
        if let loop, best == nil || loop.weight < best!.weight { best = loop }
        guard let path = best else { throw RoutingError.noRoute }
        var route = RoadRoute(
            distanceMeters: Double(max(path.distance, 0)) / 10, durationSeconds: Double(max(path.duration, 0)) / 10,
            weightSeconds: Double(path.weight) / 10, from: source, to: target
        )
        if geometry {
            var nodes = path.nodes
            if path.sourceIndex >= 0, let first = prefix[path.sourceIndex] { nodes.insert(first, at: 0) }
            let line = self.line(nodes: nodes, from: source, to: target)
            route.geometry = line.points
            route.wayIDs = line.ways
            route.composition = composition(nodes: nodes, from: source, to: target)
        }
        return route
    }

    /// Many-to-many distances and durations (bucket search), with unsnappable points left nil.
    public func matrix(sources: [GeoPoint], destinations: [GeoPoint], maxSnapMeters: Double? = nil) -> RoadMatrix {
        let snappedSources = sources.map { snap($0, maxMeters: maxSnapMeters) }
        let snappedTargets = destinations.map { snap($0, maxMeters: maxSnapMeters) }
        let hierarchyMatrix = graph.hierarchy.matrix(
            sources: snappedSources.map { $0.map { endpoints($0, asSource: true) } ?? [] },
            targets: snappedTargets.map { $0.map { endpoints($0, asSource: false) } ?? [] }
        )
        var distances = [[Double?]](repeating: [Double?](repeating: nil, count: destinations.count), count: sources.count)
        var durations = distances
        for row in 0..<sources.count {
            guard let source = snappedSources[row] else { continue }
            for column in 0..<destinations.count {
                guard let target = snappedTargets[column] else { continue }
                if source.edge == target.edge {
                    // Same road: the loop case needs the point search (see `route`).
                    if let route = try? route(from: source, to: target, geometry: false) {
                        distances[row][column] = route.distanceMeters
                        durations[row][column] = route.durationSeconds
                    }
                    continue
                }
                let cell = row * destinations.count + column
                guard hierarchyMatrix.weights[cell] != Int64.max else { continue }
                distances[row][column] = Double(max(hierarchyMatrix.distances[cell], 0)) / 10
                durations[row][column] = Double(max(hierarchyMatrix.durations[cell], 0)) / 10
            }
        }
        return RoadMatrix(sources: snappedSources, destinations: snappedTargets, distances: distances, durations: durations)
    }

    /// Search endpoints of a snapped point: each drivable direction of its edge, offset by the part behind
    /// (sources, negative) or ahead of (targets, positive) the point.
    func endpoints(_ point: SnappedPoint, asSource: Bool) -> [SearchEndpoint] {
        var result: [SearchEndpoint] = []
        for direction in 0..<2 {
            let node = point.edge * 2 + direction
            guard graph.isDrivable(node) else { continue }
            // Share of the directed node before the point, in its direction of travel.
            let before = direction == 0 ? point.fraction : 1 - point.fraction
            let share = asSource ? -before : before
            result.append(
                SearchEndpoint(
                    node: UInt32(node),
                    weight: Int64((Double(graph.nodeWeight[node]) * share).rounded()),
                    duration: Int64((Double(graph.nodeDuration[node]) * share).rounded()),
                    distance: Int64((Double(graph.nodeDistance[node]) * share).rounded())
                ))
        }
        return result
    }

    /// The line along directed nodes, cut at the snapped start and end.
    func line(nodes: [UInt32], from source: SnappedPoint, to target: SnappedPoint) -> (points: [GeoPoint], ways: [Int64]) {
        var points: [GeoPoint] = [source.location]
        var ways: [Int64] = []
        for (position, node) in nodes.enumerated() {
            let edge = Int(node >> 1)
            let forward = node & 1 == 0
            if ways.last != graph.wayIDs[edge] { ways.append(graph.wayIDs[edge]) }
            let first = Int(graph.geometryStart[edge]), last = Int(graph.geometryStart[edge + 1]) - 1
            let total = Double(graph.pointOffset[last])
            // Travel-direction positions (0…1 by distance) to keep on this edge.
            let startAlong = position == 0 ? (forward ? source.fraction : 1 - source.fraction) : 0
            let endAlong = position == nodes.count - 1 ? (forward ? target.fraction : 1 - target.fraction) : 1
            let order = forward ? Array(first...last) : Array((first...last).reversed())
            for point in order {
                let offset = Double(graph.pointOffset[point])
                let along = total > 0 ? (forward ? offset / total : 1 - offset / total) : 0
                // Each junction once: as the first point of the edge that leaves it.
                if position == 0 ? along > startAlong : along >= startAlong, along < endAlong {
                    points.append(GeoPoint(latitude: Double(graph.latE7[point]) / 1e7, longitude: Double(graph.lonE7[point]) / 1e7))
                }
            }
        }
        points.append(target.location)
        return (points, ways)
    }
}

/// Search state per concurrent query: `HierarchyQuery` keeps graph-sized arrays, so they are reused, not rebuilt.
final class QueryPool: @unchecked Sendable {
    private let graph: ContractedGraph
    private let lock = NSLock()
    private var free: [HierarchyQuery] = []

    init(graph: ContractedGraph) { self.graph = graph }

    func with<Result>(_ body: (HierarchyQuery) throws -> Result) rethrows -> Result {
        let query = lock.withLock { free.popLast() } ?? HierarchyQuery(graph: graph)
        defer { lock.withLock { free.append(query) } }
        return try body(query)
    }
}
