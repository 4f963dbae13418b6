import Foundation
import GeoFleetOSM

/// The routable part of an OSM extract, independent of any profile: road ways with their tags,
/// the coordinates and tags of the nodes they use, and the turn restrictions.
public struct RoadNetwork: Sendable {
    /// A road way; `nodes` index into the network's node arrays, -1 where the extract lacks the node.
    public struct Way: Sendable {
        public var id: Int64
        public var tags: [String: String]
        public var nodes: [Int32]
    }

    /// A `type=restriction` relation with a via node.
    public struct TurnRestriction: Sendable, Equatable {
        public var fromWay: Int64
        public var viaNode: Int32
        public var toWay: Int64
        /// `only_*` (true) or `no_*` (false).
        public var isMandatory: Bool
        /// The tag it came from: `restriction`, `restriction:hgv`, `restriction:motorcar`…
        public var key: String
        public var except: Set<String>
    }

    public var ways: [Way] = []
    public var latitudes: [Double] = []
    public var longitudes: [Double] = []
    /// Tags of the road nodes that have any (barriers, signals).
    public var nodeTags: [Int32: [String: String]] = [:]
    public var restrictions: [TurnRestriction] = []
    /// Restrictions GeoFleet does not apply (via a way, or members missing from the extract).
    public var skippedRestrictions = 0
    public var missingNodes = 0

    public init() {}

    /// `highway` values any profile routes on.
    static let roadHighways: Set<String> = Set(VehicleProfile.all.flatMap { $0.highwaySpeeds.keys })

    /// Reads an `.osm.pbf` in two passes: ways and relations first, then only the nodes the roads use.
    public static func read(pbf path: String, progress: ((ImportProgress) -> Void)? = nil) throws -> RoadNetwork {
        let reader = try PBFReader(path: path)
        var network = RoadNetwork()
        var nodeIndex: [Int64: Int32] = [:]
        var refsByWay: [[Int64]] = []
        var rawRestrictions: [OSMRelation] = []

        try reader.read(
            [.ways, .relations],
            way: { way in
                guard let highway = way.tags["highway"], roadHighways.contains(highway), way.refs.count >= 2 else { return }
                network.ways.append(Way(id: way.id, tags: way.tags, nodes: []))
                refsByWay.append(way.refs)
                for ref in way.refs where nodeIndex[ref] == nil {
                    nodeIndex[ref] = Int32(nodeIndex.count)
                }
            },
            relation: { relation in
                guard relation.tags["type"] == "restriction" else { return }
                rawRestrictions.append(relation)
            },
            progress: { bytes in
                progress?(ImportProgress(phase: .ways, bytesRead: bytes, totalBytes: reader.fileSize * 2))
            })

        network.latitudes = [Double](repeating: .nan, count: nodeIndex.count)
        network.longitudes = [Double](repeating: .nan, count: nodeIndex.count)
        try reader.read(
            [.nodes],
            node: { node in
                guard let index = nodeIndex[node.id] else { return }
                network.latitudes[Int(index)] = node.latitude
                network.longitudes[Int(index)] = node.longitude
                if !node.tags.isEmpty { network.nodeTags[index] = node.tags }
            },
            progress: { bytes in
                progress?(ImportProgress(phase: .nodes, bytesRead: reader.fileSize + bytes, totalBytes: reader.fileSize * 2))
            })

        for (position, refs) in refsByWay.enumerated() {
            network.ways[position].nodes = refs.map { ref in
                let index = nodeIndex[ref]!
                if network.latitudes[Int(index)].isNaN { network.missingNodes += 1; return -1 }
                return index
            }
        }
        let wayIDs = Set(network.ways.map(\.id))
        for relation in rawRestrictions {
            guard let restriction = Self.restriction(relation, nodeIndex: nodeIndex, wayIDs: wayIDs, network: network) else {
                network.skippedRestrictions += 1
                continue
            }
            network.restrictions.append(contentsOf: restriction)
        }
        return network
    }

    private static func restriction(
        _ relation: OSMRelation, nodeIndex: [Int64: Int32], wayIDs: Set<Int64>, network: RoadNetwork
    ) -> [TurnRestriction]? {
        let from = relation.members.filter { $0.role == "from" && $0.type == .way }
        let via = relation.members.filter { $0.role == "via" }
        let to = relation.members.filter { $0.role == "to" && $0.type == .way }
        guard from.count == 1, to.count == 1, via.count == 1, via[0].type == .node,
            wayIDs.contains(from[0].ref), wayIDs.contains(to[0].ref),
            let viaIndex = nodeIndex[via[0].ref], !network.latitudes[Int(viaIndex)].isNaN
        else { return nil }
        let except = Set((relation.tags["except"] ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) })
        var result: [TurnRestriction] = []
        for (key, value) in relation.tags where key == "restriction" || key.hasPrefix("restriction:") {
            let kind = value.trimmingCharacters(in: .whitespaces)
            guard kind.hasPrefix("no_") || kind.hasPrefix("only_") else { continue }
            result.append(
                TurnRestriction(
                    fromWay: from[0].ref, viaNode: viaIndex, toWay: to[0].ref,
                    isMandatory: kind.hasPrefix("only_"), key: key, except: except
                ))
        }
        return result.isEmpty ? nil : result
    }
}

/// Progress of a graph build, for the command line's display.
public struct ImportProgress: Sendable {
    public enum Phase: String, Sendable { case ways, nodes, graph, contraction, writing }
    public var phase: Phase
    public var bytesRead = 0
    public var totalBytes = 0
    public var done = 0
    public var total = 0
}
