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

    /// Builds the graph's edge grid now (it is built on first use: on a country network that is the first tile's
    /// second or so); call it off the event loop.
    public func prepare() {
        guard graph.edgeCount > 0, let point = graph.edgePoints(0).first else { return }
        _ = graph.edges(south: point.latitude, west: point.longitude, north: point.latitude + 1e-6, east: point.longitude + 1e-6)
    }

    public func roads(in box: GeoBox, minimum: RoadClass) -> [TileRoad] {
        // The class is checked before the line is read: at low zoom most edges in the box are small streets.
        graph.edges(south: box.south, west: box.west, north: box.north, east: box.east).compactMap { edge in
            let info = graph.edgeInfo(edge)
            guard info.roadClass.isAtLeast(minimum) else { return nil }
            return TileRoad(
                roadClass: info.roadClass, isLink: info.isLink, truckRestricted: info.truckRestricted, name: info.name ?? info.ref,
                points: graph.edgePoints(edge))
        }
    }
}
