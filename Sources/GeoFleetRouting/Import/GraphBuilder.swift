import GeoFleetCore

/// Builds one profile's `RoutingGraph` from a `RoadNetwork`: splits ways at junctions, weighs each
/// direction, generates the allowed turns (oneways, barriers, turn restrictions, u-turns only at dead
/// ends), keeps the big strongly connected components for snapping, and contracts the turn graph.
public enum GraphBuilder {
    /// A weight added to a turn into a `destination`/`private` road from an open one, so such roads carry only first and last legs.
    static let restrictedEntrySeconds = 3000.0
    /// Components smaller than this are fragments (clipped extract edges, private compounds): nothing snaps to them.
    static let bigComponentNodes = 1000

    private struct Edge {
        var from: Int32
        var to: Int32
        var way: Int32
        var distanceDm: UInt32
        var delaySeconds: Double
    }

    public static func build(
        network: RoadNetwork, profile: VehicleProfile, source: RoutingGraph.Source,
        options: ContractionOptions = .init(), progress: ((ImportProgress) -> Void)? = nil
    ) -> RoutingGraph {
        let rules = RoadRules(profile: profile)
        let nodeCount = network.latitudes.count
        var nodeRules: [Int32: NodeRule] = [:]
        for (node, tags) in network.nodeTags {
            let rule = rules.rule(forNode: tags)
            if rule != .open { nodeRules[node] = rule }
        }

        // Usable ways, cut into pieces where the extract lacks nodes.
        let uses: [RoadUse?] = network.ways.map { rules.use(of: $0.tags) }
        var pieces: [(way: Int32, nodes: ArraySlice<Int32>)] = []
        var occurrences = [UInt8](repeating: 0, count: nodeCount)
        var split = [Bool](repeating: false, count: nodeCount)
        for (wayIndex, way) in network.ways.enumerated() where uses[wayIndex] != nil {
            for piece in way.nodes.split(separator: -1, omittingEmptySubsequences: true) where piece.count >= 2 {
                pieces.append((Int32(wayIndex), piece))
                split[Int(piece.first!)] = true
                split[Int(piece.last!)] = true
                for node in piece where occurrences[Int(node)] < 255 { occurrences[Int(node)] += 1 }
            }
        }
        var roadVertices = 0
        for node in 0..<nodeCount where occurrences[node] > 0 {
            roadVertices += 1
            if occurrences[node] >= 2 || nodeRules[Int32(node)] == .barrier { split[node] = true }
        }

        // Road edges between junctions, with their geometry.
        var edges: [Edge] = []
        var geometryStart: [UInt32] = [0]
        var latE7: [Int32] = []
        var lonE7: [Int32] = []
        var pointOffset: [UInt32] = []
        func point(_ node: Int32) -> (Double, Double) { (network.latitudes[Int(node)], network.longitudes[Int(node)]) }
        for piece in pieces {
            var start = piece.nodes.first!
            var previous = start
            var distance = 0.0
            var delay = 0.0
            var count = 0
            func append(_ node: Int32, offset: Double) {
                let (lat, lon) = point(node)
                latE7.append(Int32((lat * 1e7).rounded()))
                lonE7.append(Int32((lon * 1e7).rounded()))
                pointOffset.append(UInt32((offset * 10).rounded()))
                count += 1
            }
            append(start, offset: 0)
            for node in piece.nodes.dropFirst() {
                if node == previous { continue }
                let (lat1, lon1) = point(previous)
                let (lat2, lon2) = point(node)
                distance += GreatCircle.distanceMeters(lat1: lat1, lon1: lon1, lat2: lat2, lon2: lon2)
                append(node, offset: distance)
                previous = node
                if split[Int(node)] {
                    edges.append(Edge(from: start, to: node, way: piece.way, distanceDm: UInt32((distance * 10).rounded()), delaySeconds: delay))
                    geometryStart.append(UInt32(latE7.count))
                    start = node
                    distance = 0
                    delay = 0
                    count = 0
                    append(node, offset: 0)
                } else if case .delay(let seconds) = nodeRules[node] {
                    delay += seconds
                }
            }
            // The piece's last node is always a split node, so only its lone trailing point is left.
            latE7.removeLast(count)
            lonE7.removeLast(count)
            pointOffset.removeLast(count)
        }
        progress?(ImportProgress(phase: .graph, done: edges.count, total: edges.count))

        // Directed nodes: 2e along the way, 2e + 1 against it.
        let directedCount = edges.count * 2
        var nodeWeight = [UInt32](repeating: RoutingGraph.unreachable, count: directedCount)
        var nodeDuration = [UInt32](repeating: RoutingGraph.unreachable, count: directedCount)
        var nodeDistance = [UInt32](repeating: 0, count: directedCount)
        var restricted = [Bool](repeating: false, count: directedCount)
        var roundabout = [Bool](repeating: false, count: directedCount)
        for (index, edge) in edges.enumerated() {
            guard let use = uses[Int(edge.way)] else { continue }
            for (offset, speed, rate) in [(0, use.forwardSpeedKmh, use.forwardRate), (1, use.backwardSpeedKmh, use.backwardRate)] where speed > 0 {
                let node = index * 2 + offset
                let seconds = Double(edge.distanceDm) / 10 / (speed / 3.6)
                nodeDuration[node] = UInt32(((seconds + edge.delaySeconds) * 10).rounded())
                nodeWeight[node] = UInt32(((seconds / rate + edge.delaySeconds) * 10).rounded())
                nodeDistance[node] = edge.distanceDm
                restricted[node] = use.restricted
                roundabout[node] = use.isRoundabout
            }
        }

        // Junction incidence: directed nodes ending (in) and starting (out) at each junction.
        func tail(_ node: Int) -> Int32 { node & 1 == 0 ? edges[node >> 1].from : edges[node >> 1].to }
        func head(_ node: Int) -> Int32 { node & 1 == 0 ? edges[node >> 1].to : edges[node >> 1].from }
        var outStart = [UInt32](repeating: 0, count: nodeCount + 1)
        var roads = [UInt8](repeating: 0, count: nodeCount)
        for node in 0..<directedCount where nodeWeight[node] != RoutingGraph.unreachable {
            outStart[Int(tail(node)) + 1] += 1
        }
        for (index, edge) in edges.enumerated()
        where nodeWeight[index * 2] != RoutingGraph.unreachable || nodeWeight[index * 2 + 1] != RoutingGraph.unreachable {
            if roads[Int(edge.from)] < 255 { roads[Int(edge.from)] += 1 }
            if roads[Int(edge.to)] < 255 { roads[Int(edge.to)] += 1 }
        }
        for node in 0..<nodeCount { outStart[node + 1] += outStart[node] }
        var outNodes = [UInt32](repeating: 0, count: Int(outStart[nodeCount]))
        var fill = outStart
        for node in 0..<directedCount where nodeWeight[node] != RoutingGraph.unreachable {
            let junction = Int(tail(node))
            outNodes[Int(fill[junction])] = UInt32(node)
            fill[junction] += 1
        }

        func bearing(_ from: Int, _ to: Int) -> Double {
            TurnCost.bearing(
                lat1: Double(latE7[from]) / 1e7, lon1: Double(lonE7[from]) / 1e7,
                lat2: Double(latE7[to]) / 1e7, lon2: Double(lonE7[to]) / 1e7
            )
        }
        func headBearing(_ node: Int) -> Double {
            let first = Int(geometryStart[node >> 1]), last = Int(geometryStart[(node >> 1) + 1]) - 1
            return node & 1 == 0 ? bearing(last - 1, last) : bearing(first + 1, first)
        }
        func tailBearing(_ node: Int) -> Double {
            let first = Int(geometryStart[node >> 1]), last = Int(geometryStart[(node >> 1) + 1]) - 1
            return node & 1 == 0 ? bearing(first, first + 1) : bearing(last, last - 1)
        }

        // Turn restrictions that bind this profile, by via node.
        let specificKeys = Set(profile.accessKeys.filter { $0 != "access" })
        var restrictionsAt: [Int32: [RoadNetwork.TurnRestriction]] = [:]
        var applied = 0
        for restriction in network.restrictions {
            let applies =
                restriction.key == "restriction"
                || specificKeys.contains(String(restriction.key.dropFirst("restriction:".count)))
            guard applies, restriction.except.isDisjoint(with: specificKeys) else { continue }
            restrictionsAt[restriction.viaNode, default: []].append(restriction)
            applied += 1
        }

        // Turns.
        let turnCost = TurnCost(profile: profile)
        var arcs: [HierarchyArc] = []
        arcs.reserveCapacity(directedCount * 2)
        for from in 0..<directedCount where nodeWeight[from] != RoutingGraph.unreachable {
            let junction = head(from)
            let rule = nodeRules[junction]
            let candidates = outNodes[Int(outStart[Int(junction)])..<Int(outStart[Int(junction) + 1])]
            let reverse = UInt32(from ^ 1)
            let deadEnd = !candidates.contains { $0 != reverse }
            let restrictions = restrictionsAt[junction]
            let fromWay = network.ways[Int(edges[from >> 1].way)].id
            let inBearing = headBearing(from)
            for to in candidates {
                let isUTurn = to == reverse
                if rule == .barrier, !isUTurn { continue }
                if isUTurn, !deadEnd, rule != .barrier { continue }
                if let restrictions {
                    let toWay = network.ways[Int(edges[Int(to) >> 1].way)].id
                    let forbidden = restrictions.contains { restriction in
                        guard restriction.fromWay == fromWay else { return false }
                        return restriction.isMandatory ? restriction.toWay != toWay : restriction.toWay == toWay
                    }
                    if forbidden { continue }
                }
                let angle = isUTurn ? 180 : TurnCost.angle(from: inBearing, to: tailBearing(Int(to)))
                var seconds = turnCost.seconds(
                    angle: angle, roads: Int(roads[Int(junction)]), isUTurn: isUTurn,
                    roundabout: roundabout[from] || roundabout[Int(to)]
                )
                if case .delay(let delay) = rule { seconds += delay }
                var weightSeconds = seconds
                if restricted[Int(to)], !restricted[from] { weightSeconds += restrictedEntrySeconds }
                arcs.append(
                    HierarchyArc(
                        from: UInt32(from), to: to,
                        weight: nodeWeight[from] + UInt32((weightSeconds * 10).rounded()),
                        duration: nodeDuration[from] + UInt32((seconds * 10).rounded()),
                        distance: nodeDistance[from]
                    ))
            }
        }

        // CSR of the turn graph (arcs are generated in source order), then components.
        var arcStart = [UInt32](repeating: 0, count: directedCount + 1)
        for arc in arcs { arcStart[Int(arc.from) + 1] += 1 }
        for node in 0..<directedCount { arcStart[node + 1] += arcStart[node] }
        let arcTarget = arcs.map(\.to)
        let (component, sizes) = StrongComponents.compute(nodeCount: directedCount, arcStart: arcStart, arcTarget: arcTarget)
        let threshold = min(bigComponentNodes, sizes.max() ?? 0)
        var inBigComponent = [UInt8](repeating: 0, count: directedCount)
        var bigNodes = 0
        for node in 0..<directedCount where nodeWeight[node] != RoutingGraph.unreachable && sizes[Int(component[node])] >= threshold {
            inBigComponent[node] = 1
            bigNodes += 1
        }

        let arcWeight = arcs.map(\.weight)
        let arcDuration = arcs.map(\.duration)
        let hierarchy = ContractedGraph.build(nodeCount: directedCount, arcs: arcs, options: options) { step in
            progress?(ImportProgress(phase: .contraction, done: step.contracted, total: step.total))
        }
        let summary = RoutingGraph.Summary(
            roadWays: Set(pieces.map(\.way)).count, roadVertices: roadVertices, edges: edges.count,
            directedNodes: nodeWeight.lazy.filter { $0 != RoutingGraph.unreachable }.count, turns: arcs.count,
            shortcuts: hierarchy.shortcutCount, restrictionsApplied: applied,
            restrictionsSkipped: network.skippedRestrictions, bigComponentNodes: bigNodes
        )
        let attributes = EdgeAttributeTable(ways: network.ways, uses: uses, rules: rules, edgeWays: edges.map(\.way))
        return RoutingGraph(
            profile: profile, source: source, summary: summary,
            geometryStart: geometryStart, latE7: latE7, lonE7: lonE7, pointOffset: pointOffset,
            wayIDs: edges.map { network.ways[Int($0.way)].id }, attributes: attributes,
            nodeWeight: nodeWeight, nodeDuration: nodeDuration, nodeDistance: nodeDistance, inBigComponent: inBigComponent,
            arcStart: arcStart, arcTarget: arcTarget, arcWeight: arcWeight, arcDuration: arcDuration, hierarchy: hierarchy
        )
    }
}
