import Foundation
import GeoFleetCore
@testable import GeoFleetRouting

/// Small hand-made road networks in a local metric frame (x east, y north, metres from 45°N 25°E),
/// for testing the builder and the engine on cases whose answer is known by construction.
struct SyntheticNetwork {
    static let latitude0 = 45.0
    static let longitude0 = 25.0
    static let metersPerDegree = 6_371_008.8 * Double.pi / 180

    var network = RoadNetwork()
    private var nodeIDs: [String: Int32] = [:]
    private var nextWay: Int64 = 1

    /// Adds (or finds) a named node at x, y metres.
    mutating func node(_ name: String, _ x: Double, _ y: Double, tags: [String: String] = [:]) {
        if nodeIDs[name] != nil { return }
        let index = Int32(network.latitudes.count)
        nodeIDs[name] = index
        network.latitudes.append(Self.latitude0 + y / Self.metersPerDegree)
        network.longitudes.append(Self.longitude0 + x / (Self.metersPerDegree * cos(Self.latitude0 * .pi / 180)))
        if !tags.isEmpty { network.nodeTags[index] = tags }
    }

    /// Adds a way through named nodes; returns its id.
    @discardableResult
    mutating func way(_ nodes: [String], _ tags: [String: String] = ["highway": "residential"]) -> Int64 {
        let id = nextWay
        nextWay += 1
        network.ways.append(RoadNetwork.Way(id: id, tags: tags, nodes: nodes.map { nodeIDs[$0]! }))
        return id
    }

    mutating func restriction(from: Int64, via: String, to: Int64, _ kind: String, key: String = "restriction") {
        network.restrictions.append(
            RoadNetwork.TurnRestriction(
                fromWay: from, viaNode: nodeIDs[via]!, toWay: to, isMandatory: kind.hasPrefix("only_"), key: key, except: []
            ))
    }

    func point(_ x: Double, _ y: Double) -> GeoPoint {
        GeoPoint(
            latitude: Self.latitude0 + y / Self.metersPerDegree,
            longitude: Self.longitude0 + x / (Self.metersPerDegree * cos(Self.latitude0 * .pi / 180))
        )
    }

    func engine(_ vehicleClass: VehicleClass = .car) -> RoutingEngine {
        let graph = GraphBuilder.build(
            network: network, profile: VehicleProfile(vehicleClass: vehicleClass),
            source: .init(name: "synthetic", bytes: 0, modified: 0)
        )
        return RoutingEngine(graph: graph, maxSnapMeters: 200)
    }

    /// A grid of `size` × `size` junctions `spacing` metres apart, named "g<prefix>x,y", two-way residential streets.
    mutating func grid(prefix: String = "", size: Int, spacing: Double, originX: Double = 0, originY: Double = 0) {
        for x in 0..<size {
            for y in 0..<size {
                node("g\(prefix)\(x),\(y)", originX + Double(x) * spacing, originY + Double(y) * spacing)
            }
        }
        for x in 0..<size {
            way((0..<size).map { "g\(prefix)\(x),\($0)" })
        }
        for y in 0..<size {
            way((0..<size).map { "g\(prefix)\($0),\(y)" })
        }
    }
}
