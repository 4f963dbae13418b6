import GeoFleetCore

/// What a road route is made of: metres per road class and the tolled stretches, for costing a trip.
public struct RouteComposition: Sendable, Equatable {
    /// Consecutive tolled edges of one way.
    public struct TollStretch: Sendable, Equatable {
        public var wayID: Int64
        public var ref: String?
        public var name: String?
        public var meters: Double
        /// A point of the stretch (its first edge's middle vertex), to tell which country tolls it.
        public var point: GeoPoint
    }

    /// Metres driven on each class (links count with their road).
    public var metersByClass: [RoadClass: Double]
    public var tollStretches: [TollStretch]

    public var tollMeters: Double { tollStretches.reduce(0) { $0 + $1.meters } }
    public var totalMeters: Double { metersByClass.values.reduce(0, +) }
}

extension RoutingEngine {
    /// The composition of the driven directed nodes, the first and last cut at the snapped points (as `line` cuts them).
    func composition(nodes: [UInt32], from source: SnappedPoint, to target: SnappedPoint) -> RouteComposition {
        var byClass: [RoadClass: Double] = [:]
        var tolls: [RouteComposition.TollStretch] = []
        var previousTollWay: Int64?
        for (position, node) in nodes.enumerated() {
            let edge = Int(node >> 1)
            let forward = node & 1 == 0
            let startAlong = position == 0 ? (forward ? source.fraction : 1 - source.fraction) : 0
            let endAlong = position == nodes.count - 1 ? (forward ? target.fraction : 1 - target.fraction) : 1
            let share = max(endAlong - startAlong, 0)
            let meters = Double(graph.nodeDistance[Int(node)]) / 10 * share
            let info = graph.attributes.info(edge)
            byClass[info.roadClass, default: 0] += meters
            guard info.isToll, meters > 0 else {
                previousTollWay = nil
                continue
            }
            let way = graph.wayIDs[edge]
            if previousTollWay == way, !tolls.isEmpty {
                tolls[tolls.count - 1].meters += meters
            } else {
                let points = graph.edgePoints(edge)
                tolls.append(.init(wayID: way, ref: info.ref, name: info.name, meters: meters, point: points[points.count / 2]))
            }
            previousTollWay = way
        }
        return RouteComposition(metersByClass: byClass, tollStretches: tolls)
    }
}
