/// The raw arrays a search reads, copied out of the storage once per query.
struct CHView {
    let first: UnsafeMutablePointer<UInt32>
    let split: UnsafeMutablePointer<UInt32>
    let arcs: UnsafeMutablePointer<CHArc>

    init(_ storage: CHStorage) {
        first = storage.first
        split = storage.split
        arcs = storage.arcs
    }

    /// Settles the cheapest node of `space` and, unless a label of a higher node proves it reached too
    /// expensively (stall-on-demand over the arcs into it from above), relaxes its upward arcs: the input's
    /// arcs for a forward search, reversed ones for a backward search. Returns the settled entry and whether
    /// it was stalled.
    @inline(__always) func step(_ space: inout CHSearchSpace, forward: Bool) -> (entry: Int, stalled: Bool) {
        let entry = space.popMin()
        let node = Int(space.entries.base[entry].node)
        let cost = space.entries.base[entry].cost
        let start = Int(first[node]), middle = Int(split[node]), end = Int(first[node + 1])
        let (upStart, upEnd, downStart, downEnd) = forward ? (start, middle, middle, end) : (middle, end, start, middle)
        var index = downStart
        while index < downEnd {
            let arc = arcs[index]
            index += 1
            let other = space.find(arc.head)
            if other >= 0, space.entries.base[other].cost.adding(arc) < cost { return (entry, true) }
        }
        index = upStart
        while index < upEnd {
            let arc = arcs[index]
            space.relax(node: arc.head, cost: cost.adding(arc), parent: UInt32(truncatingIfNeeded: entry), via: UInt32(truncatingIfNeeded: index))
            index += 1
        }
        return (entry, false)
    }

    /// Runs a search to exhaustion, calling `visit` for each settled node that was not stalled.
    @inline(__always) func exhaust(_ space: inout CHSearchSpace, forward: Bool, visit: (_ node: UInt32, _ cost: CHCost) -> Void) {
        while !space.isEmpty {
            let (entry, stalled) = step(&space, forward: forward)
            if !stalled {
                visit(space.entries.base[entry].node, space.entries.base[entry].cost)
            }
        }
    }
}

/// Reusable per-thread search state (not Sendable-shared; one per task/thread). Allocation-free per query
/// after warm-up: labels live in compact entry arrays found through a node-indexed slot array that is never
/// cleared.
public final class HierarchyQuery {
    private let graph: ContractedGraph
    private var forward: CHSearchSpace
    private var backward: CHSearchSpace
    private var unpackStack: [(UInt32, UInt32, UInt32)] = []
    private var arcPath: [(tail: UInt32, head: UInt32, middle: UInt32)] = []

    public init(graph: ContractedGraph) {
        self.graph = graph
        forward = CHSearchSpace(nodeCount: graph.nodeCount)
        backward = CHSearchSpace(nodeCount: graph.nodeCount)
    }

    deinit {
        forward.deallocate()
        backward.deallocate()
    }

    /// The cheapest path from any of `sources` to any of `targets` (each typically 1–2 endpoints): the
    /// lexicographic minimum of (weight, duration, distance) over source offset + path + target offset,
    /// where a meeting whose total weight is negative is ignored. Nil when nothing is reachable.
    /// Bidirectional upward Dijkstra with stall-on-demand; each direction stops once its cheapest label
    /// plus the other side's cheapest offset cannot beat the best total.
    public func route(from sources: [SearchEndpoint], to targets: [SearchEndpoint], unpack: Bool) -> HierarchyPath? {
        guard !sources.isEmpty, !targets.isEmpty, graph.nodeCount > 0 else { return nil }
        let storage = graph.storage
        let view = CHView(storage)
        var forward = self.forward, backward = self.backward
        defer {
            self.forward = forward
            self.backward = backward
        }
        forward.reset()
        backward.reset()
        var minSource = CHCost.infinity, minTarget = CHCost.infinity
        for (index, endpoint) in sources.enumerated() {
            precondition(Int(endpoint.node) < graph.nodeCount, "source node outside the graph")
            let cost = CHCost(endpoint)
            if cost < minSource { minSource = cost }
            forward.relax(node: storage.rankOf[Int(endpoint.node)], cost: cost, parent: chNone, via: UInt32(truncatingIfNeeded: index))
        }
        for (index, endpoint) in targets.enumerated() {
            precondition(Int(endpoint.node) < graph.nodeCount, "target node outside the graph")
            let cost = CHCost(endpoint)
            if cost < minTarget { minTarget = cost }
            backward.relax(node: storage.rankOf[Int(endpoint.node)], cost: cost, parent: chNone, via: UInt32(truncatingIfNeeded: index))
        }

        var best = CHCost.infinity
        var meetForward = -1, meetBackward = -1
        var forwardTurn = true
        while true {
            let forwardActive = !forward.isEmpty && (best.isInfinite || forward.minCost + minTarget < best)
            let backwardActive = !backward.isEmpty && (best.isInfinite || backward.minCost + minSource < best)
            if !forwardActive && !backwardActive { break }
            if forwardActive && (forwardTurn || !backwardActive) {
                let (entry, _) = view.step(&forward, forward: true)
                let other = backward.find(forward.entries.base[entry].node)
                if other >= 0, backward.entries.base[other].heapIndex == chNone {
                    let total = forward.entries.base[entry].cost + backward.entries.base[other].cost
                    if total.weight >= 0, total < best {
                        best = total
                        meetForward = entry
                        meetBackward = other
                    }
                }
            } else {
                let (entry, _) = view.step(&backward, forward: false)
                let other = forward.find(backward.entries.base[entry].node)
                if other >= 0, forward.entries.base[other].heapIndex == chNone {
                    let total = forward.entries.base[other].cost + backward.entries.base[entry].cost
                    if total.weight >= 0, total < best {
                        best = total
                        meetForward = other
                        meetBackward = entry
                    }
                }
            }
            forwardTurn.toggle()
        }
        guard meetForward >= 0 else { return nil }

        // Walk both parent chains: forward from the meeting node back to its source, backward to its target.
        arcPath.removeAll(keepingCapacity: true)
        var entry = meetForward
        while forward.entries.base[entry].parent != chNone {
            let parent = Int(forward.entries.base[entry].parent)
            let arc = Int(forward.entries.base[entry].via)
            arcPath.append((forward.entries.base[parent].node, forward.entries.base[entry].node, storage.middle[arc]))
            entry = parent
        }
        let sourceIndex = Int(forward.entries.base[entry].via)
        let sourceRank = forward.entries.base[entry].node
        arcPath.reverse()
        entry = meetBackward
        while backward.entries.base[entry].parent != chNone {
            let parent = Int(backward.entries.base[entry].parent)
            let arc = Int(backward.entries.base[entry].via)
            arcPath.append((backward.entries.base[entry].node, backward.entries.base[parent].node, storage.middle[arc]))
            entry = parent
        }
        let targetIndex = Int(backward.entries.base[entry].via)

        var nodes: [UInt32] = []
        if unpack {
            nodes.reserveCapacity(arcPath.count * 4 + 1)
            nodes.append(storage.nodeOf[Int(sourceRank)])
            for arc in arcPath {
                storage.unpack(tail: arc.tail, head: arc.head, middle: arc.middle, into: &nodes, stack: &unpackStack)
            }
        }
        return HierarchyPath(
            weight: best.weight, duration: best.duration, distance: best.distance,
            sourceIndex: sourceIndex, targetIndex: targetIndex, nodes: nodes
        )
    }
}
