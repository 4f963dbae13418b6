import GeoFleetRouting

/// The loaded road graph as a tile road source.
public struct GraphTileRoads: TileRoadSource {
    public let graph: RoutingGraph

    public init(graph: RoutingGraph) {
        self.graph = graph
    }

    /// The extract and the graph's shape: a rebuilt graph gets new ETags and a fresh disk cache.
    public var identity: String {
        "\(graph.source.name)/\(graph.source.bytes)/\(graph.source.modified)/\(graph.profile.name)/\(graph.edgeCount)"
    }

    public func roads(in box: GeoBox, minimum: RoadKind) -> [TileRoad] {
        // STUB until the graph's per-edge road class lands on main.
        []
    }
}
