/// One directed arc of the input graph. `weight` is what is minimised; `duration` (deciseconds) and
/// `distance` (decimetres) are carried along and summed on the chosen path.
///
/// Equal weights are broken by the shorter duration, then the shorter distance: the hierarchy minimises
/// (weight, duration, distance) lexicographically, so every answer is the same whichever search finds it.
public struct HierarchyArc: Sendable, Equatable {
    public var from: UInt32
    public var to: UInt32
    public var weight: UInt32
    public var duration: UInt32
    public var distance: UInt32

    public init(from: UInt32, to: UInt32, weight: UInt32, duration: UInt32, distance: UInt32) {
        self.from = from
        self.to = to
        self.weight = weight
        self.duration = duration
        self.distance = distance
    }
}

/// How the node order is chosen and how hard witness searches look.
///
/// A node's priority is
/// `edgeQuotientWeight * 1000 * added / removed + hopQuotientWeight * 1000 * addedHops / removedHops
///  + edgeDifferenceWeight * (added - removed) + contractedNeighboursWeight * contractedNeighbours + levelWeight * level`,
/// where `added` is the number of shortcuts contracting it needs, `removed` its arcs, the hops count the input arcs
/// an arc stands for, and the level (search-space depth) is one more than the highest level of its contracted
/// neighbours. The least important node is contracted next; its priority is re-evaluated when it comes up (and it
/// goes back if it is no longer the least), and its neighbours' priorities are re-estimated after it is contracted.
///
/// Witness searches are bounded Dijkstra searches that ignore the node being contracted and stop at the largest
/// cost a shortcut would have, when every target is decided, after the settle limit, or after relaxing twenty arcs
/// per allowed settled node (dense cores). A search that gives up adds the shortcut: answers never depend on the
/// limits, only the size of the hierarchy and the build time do. The defaults are tuned on edge-based road graphs.
public struct ContractionOptions: Sendable {
    /// Settled nodes after which a witness search gives up (and the shortcut is added) while contracting a node.
    public var witnessSettleLimit: Int
    /// The same limit for the searches that only estimate a node's priority (neighbour updates, initial order).
    public var simulationSettleLimit: Int
    /// How often a node's priority is re-estimated because a neighbour was contracted; after that it is
    /// re-estimated only when it reaches the front of the queue. Lower is faster to build, slower to query.
    public var neighbourUpdateLimit: Int
    public var edgeQuotientWeight: Int
    public var hopQuotientWeight: Int
    public var edgeDifferenceWeight: Int
    public var contractedNeighboursWeight: Int
    public var levelWeight: Int

    public init() {
        witnessSettleLimit = 500
        simulationSettleLimit = 20
        neighbourUpdateLimit = Int.max
        edgeQuotientWeight = 2
        hopQuotientWeight = 4
        edgeDifferenceWeight = 0
        contractedNeighboursWeight = 0
        levelWeight = 300
    }
}

/// How far a contraction has got: nodes contracted of all nodes, and shortcuts added so far.
public struct ContractionProgress: Sendable {
    public var contracted: Int
    public var total: Int
    public var shortcuts: Int

    public init(contracted: Int, total: Int, shortcuts: Int) {
        self.contracted = contracted
        self.total = total
        self.shortcuts = shortcuts
    }
}

/// A start or end of a search: a graph node plus an initial offset. The offset may be negative (a source
/// part-way along its segment starts with minus the part already behind it).
public struct SearchEndpoint: Sendable, Equatable {
    public var node: UInt32
    public var weight: Int64
    public var duration: Int64
    public var distance: Int64

    public init(node: UInt32, weight: Int64, duration: Int64, distance: Int64) {
        self.node = node
        self.weight = weight
        self.duration = duration
        self.distance = distance
    }
}

/// The best route between two endpoint lists.
public struct HierarchyPath: Sendable {
    /// Totals along the path, including both chosen endpoints' offsets.
    public var weight: Int64
    public var duration: Int64
    public var distance: Int64
    /// Which of the given sources and targets the path uses.
    public var sourceIndex: Int
    public var targetIndex: Int
    /// The input-graph node sequence from the chosen source's node to the chosen target's node (shortcuts
    /// unpacked), or empty when not asked for.
    public var nodes: [UInt32]

    public init(weight: Int64, duration: Int64, distance: Int64, sourceIndex: Int, targetIndex: Int, nodes: [UInt32]) {
        self.weight = weight
        self.duration = duration
        self.distance = distance
        self.sourceIndex = sourceIndex
        self.targetIndex = targetIndex
        self.nodes = nodes
    }
}

/// Many-to-many results, row-major (`row * columns + column`); `Int64.max` in all three where unreachable.
public struct HierarchyMatrix: Sendable {
    public let rows: Int
    public let columns: Int
    public var weights: [Int64]
    public var durations: [Int64]
    public var distances: [Int64]

    public init(rows: Int, columns: Int, weights: [Int64], durations: [Int64], distances: [Int64]) {
        self.rows = rows
        self.columns = columns
        self.weights = weights
        self.durations = durations
        self.distances = distances
    }
}

/// Why serialized hierarchy bytes could not be read.
public enum HierarchyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes do not start with the hierarchy magic.
    case notAHierarchy
    case unsupportedVersion(UInt32)
    /// Fewer bytes than the header says (`expected` bytes in all, `actual` given).
    case truncated(expected: Int, actual: Int)
    /// The payload does not match its checksum.
    case checksumMismatch
    /// Sizes or arrays that cannot belong to a hierarchy.
    case inconsistent(String)

    public var description: String {
        switch self {
        case .notAHierarchy: return "not a contraction hierarchy"
        case .unsupportedVersion(let version): return "contraction hierarchy format version \(version) is not supported"
        case .truncated(let expected, let actual): return "contraction hierarchy is truncated: \(actual) of \(expected) bytes"
        case .checksumMismatch: return "contraction hierarchy is corrupt (checksum mismatch)"
        case .inconsistent(let what): return "contraction hierarchy is inconsistent: \(what)"
        }
    }
}
