/// One profile's routable graph: road edges with their geometry, the edge-based turn graph and its contraction hierarchy.
///
/// Road edges run between junctions. Each has up to two directed nodes (`2e` along the way's order,
/// `2e + 1` against it); an arc is a turn from one directed node to the next, weighted by the whole
/// first node plus the turn's cost. Weights and durations are deciseconds, distances decimetres.
public struct RoutingGraph: Sendable {
    /// Where the graph came from, so a stale graph is rebuilt when the extract changes.
    public struct Source: Sendable, Equatable {
        public var name: String
        public var bytes: Int64
        public var modified: Int64
    }

    /// Counts for the build summary and `/metrics`.
    public struct Summary: Sendable, Equatable {
        public var roadWays: Int
        public var roadVertices: Int
        public var edges: Int
        public var directedNodes: Int
        public var turns: Int
        public var shortcuts: Int
        public var restrictionsApplied: Int
        public var restrictionsSkipped: Int
        public var bigComponentNodes: Int
    }

    public static let unreachable = UInt32.max

    public let profile: VehicleProfile
    public let source: Source
    public let summary: Summary
    /// Edge `e`'s points are `geometryStart[e] ..< geometryStart[e + 1]`.
    let geometryStart: [UInt32]
    let latE7: [Int32]
    let lonE7: [Int32]
    /// Decimetres from the start of the point's edge.
    let pointOffset: [UInt32]
    let wayIDs: [Int64]
    /// Class, flags and names per edge.
    let attributes: EdgeAttributeTable
    /// Edges by area, for map tiles; built on first use.
    let edgeGrid = EdgeGrid()
    /// Per directed node; `unreachable` when the profile cannot drive it.
    let nodeWeight: [UInt32]
    let nodeDuration: [UInt32]
    let nodeDistance: [UInt32]
    /// 1 when the directed node lies in a big strongly connected component (snapping uses only those).
    let inBigComponent: [UInt8]
    /// Turns out of each directed node (CSR), kept for the rare route that leaves and re-enters its start node.
    let arcStart: [UInt32]
    let arcTarget: [UInt32]
    let arcWeight: [UInt32]
    let arcDuration: [UInt32]
    public let hierarchy: ContractedGraph

    public var edgeCount: Int { wayIDs.count }

    init(
        profile: VehicleProfile, source: Source, summary: Summary,
        geometryStart: [UInt32], latE7: [Int32], lonE7: [Int32], pointOffset: [UInt32], wayIDs: [Int64],
        attributes: EdgeAttributeTable, nodeWeight: [UInt32], nodeDuration: [UInt32], nodeDistance: [UInt32], inBigComponent: [UInt8],
        arcStart: [UInt32], arcTarget: [UInt32], arcWeight: [UInt32], arcDuration: [UInt32], hierarchy: ContractedGraph
    ) {
        self.profile = profile
        self.source = source
        self.summary = summary
        self.geometryStart = geometryStart
        self.latE7 = latE7
        self.lonE7 = lonE7
        self.pointOffset = pointOffset
        self.wayIDs = wayIDs
        self.attributes = attributes
        self.nodeWeight = nodeWeight
        self.nodeDuration = nodeDuration
        self.nodeDistance = nodeDistance
        self.inBigComponent = inBigComponent
        self.arcStart = arcStart
        self.arcTarget = arcTarget
        self.arcWeight = arcWeight
        self.arcDuration = arcDuration
        self.hierarchy = hierarchy
    }

    /// The OSM way a directed node belongs to.
    public func wayID(ofNode node: UInt32) -> Int64 { wayIDs[Int(node >> 1)] }

    func isDrivable(_ node: Int) -> Bool { nodeWeight[node] != Self.unreachable }

    /// Approximate memory held by the graph's arrays.
    public var memoryBytes: Int {
        geometryStart.count * 4 + latE7.count * 8 + pointOffset.count * 4 + wayIDs.count * 8
            + attributes.flags.count * 10 + nodeWeight.count * 13 + arcStart.count * 4 + arcTarget.count * 12 + hierarchy.memoryBytes
    }
}
