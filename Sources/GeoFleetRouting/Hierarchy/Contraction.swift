extension ContractedGraph {
    /// Contracts the graph: nodes are taken in priority order (see `ContractionOptions`, lazily re-evaluated
    /// when popped and updated for the neighbours of each contracted node); contracting a node adds a shortcut
    /// u -> v for each in-neighbour u and out-neighbour v unless a bounded witness search finds a path that is
    /// at most as costly without it.
    ///
    /// Self-loops are dropped and of parallel arcs the lightest is kept (ties: shorter duration, then shorter
    /// distance). Shortcut sums saturate at `UInt32.max`, so any shortest path's weight, duration and distance
    /// must fit in 32 bits. Nodes and arcs must be fewer than `UInt32.max`.
    public static func build(
        nodeCount: Int, arcs: [HierarchyArc], options: ContractionOptions = .init(),
        progress: ((ContractionProgress) -> Void)? = nil
    ) -> ContractedGraph {
        precondition(nodeCount >= 0 && nodeCount < Int(UInt32.max), "node count out of range")
        var contractor = CHContractor(nodeCount: nodeCount, arcs: arcs, options: options)
        defer { contractor.deallocate() }
        return ContractedGraph(storage: contractor.run(progress: progress))
    }
}

struct CHQueueItem: HeapItem {
    var priority: Int64
    var node: UInt32

    @inline(__always) func before(_ other: CHQueueItem) -> Bool {
        priority != other.priority ? priority < other.priority : node < other.node
    }
}

/// Node queue positions, by node.
struct CHNodePositions: HeapPositions {
    let positions: UnsafeMutablePointer<UInt32>

    @inline(__always) func record(_ item: CHQueueItem, at position: Int) {
        positions[Int(item.node)] = UInt32(truncatingIfNeeded: position)
    }
}

/// The contraction: a dynamic graph of out- and in-lists (blocks in one pool, moved to the end when they
/// outgrow their capacity, entries removed by swapping with the last), the witness search, the node queue.
struct CHContractor {
    let n: Int
    let options: ContractionOptions

    var pool: CHArcPool
    /// Arcs in the lists (the pool also holds free room and abandoned blocks).
    var liveArcs = 0
    let outStart: UnsafeMutablePointer<Int>
    let outCount: UnsafeMutablePointer<UInt32>
    let outCapacity: UnsafeMutablePointer<UInt32>
    let inStart: UnsafeMutablePointer<Int>
    let inCount: UnsafeMutablePointer<UInt32>
    let inCapacity: UnsafeMutablePointer<UInt32>

    let level: UnsafeMutablePointer<UInt32>
    let contractedNeighbours: UnsafeMutablePointer<UInt32>
    /// A stamp per node for collecting distinct neighbours.
    let neighbourMark: UnsafeMutablePointer<UInt32>

    // Witness search: per-node stamp, cost and heap position; targets are marked with the same stamp.
    let witness: UnsafeMutablePointer<CHWitnessNode>
    var targetVia: CHBuffer<CHCost>
    var targetState: CHBuffer<UInt8>
    var targetArc: CHBuffer<UInt32>
    var currentStamp: UInt32 = 0
    var witnessHeap: IndexedMinHeap<CHHeapItem>

    // Node queue (an indexed heap, positions by node).
    var queue: IndexedMinHeap<CHQueueItem>
    let queuePosition: UnsafeMutablePointer<UInt32>

    var shortcuts: CHBuffer<CHShortcut>
    var neighbours: CHBuffer<UInt32>
    var addedHops = 0
    /// How many times each node's priority was re-evaluated because a neighbour was contracted; past the
    /// limit its key only follows the level and neighbour counts, and is re-evaluated when it comes up.
    let neighbourUpdates: UnsafeMutablePointer<UInt32>
    let stale: UnsafeMutablePointer<Bool>

    // The search graph as it is recorded, by rank, with input ids (mapped to ranks at the end).
    var rankOf: [UInt32]
    var upForward: [CHArc] = []
    var upForwardMiddle: [UInt32] = []
    var upForwardFirst: [UInt32] = [0]
    var upBackward: [CHArc] = []
    var upBackwardMiddle: [UInt32] = []
    var upBackwardFirst: [UInt32] = [0]
    var shortcutTotal = 0

    init(nodeCount: Int, arcs input: [HierarchyArc], options: ContractionOptions) {
        n = nodeCount
        self.options = options
        let size = max(n, 1)
        func make<T>(_ value: T) -> UnsafeMutablePointer<T> {
            let pointer = UnsafeMutablePointer<T>.allocate(capacity: size)
            pointer.initialize(repeating: value, count: size)
            return pointer
        }
        outStart = make(0)
        outCount = make(0)
        outCapacity = make(0)
        inStart = make(0)
        inCount = make(0)
        inCapacity = make(0)
        level = make(0)
        contractedNeighbours = make(0)
        neighbourMark = make(chNone)
        witness = make(CHWitnessNode(cost: .zero, stamp: 0, position: 0, targetStamp: 0, targetIndex: 0))
        targetVia = CHBuffer(capacity: 64)
        targetState = CHBuffer(capacity: 64)
        targetArc = CHBuffer(capacity: 64)
        queuePosition = make(chNone)
        neighbourUpdates = make(0)
        stale = make(false)
        witnessHeap = IndexedMinHeap(capacity: 1024)
        queue = IndexedMinHeap(capacity: size)
        shortcuts = CHBuffer(capacity: 256)
        neighbours = CHBuffer(capacity: 256)
        rankOf = [UInt32](repeating: chNone, count: n)
        pool = CHArcPool(capacity: 16)
        loadArcs(input)
    }

    func deallocate() {
        pool.deallocate()
        for pointer in [outCount, outCapacity, inCount, inCapacity, level, contractedNeighbours, neighbourMark, queuePosition, neighbourUpdates] {
            pointer.deallocate()
        }
        outStart.deallocate()
        inStart.deallocate()
        witness.deallocate()
        stale.deallocate()
        targetVia.deallocate()
        targetState.deallocate()
        targetArc.deallocate()
        witnessHeap.deallocate()
        queue.deallocate()
        shortcuts.deallocate()
        neighbours.deallocate()
    }

    // MARK: Evaluation and contraction

    /// Finds the shortcuts contracting `x` needs (left in `shortcuts`, hops in `addedHops`) and returns its priority.
    private mutating func evaluate(_ x: UInt32, limit: Int) -> Int64 {
        shortcuts.count = 0
        addedHops = 0
        let node = Int(x)
        let inLength = Int(inCount[node]), outLength = Int(outCount[node])
        var removedHops = 0
        for index in 0..<inLength { removedHops += Int(pool.cold[inStart[node] + index].hops) }
        for index in 0..<outLength { removedHops += Int(pool.cold[outStart[node] + index].hops) }
        if inLength > 0 && outLength > 0 {
            for inIndex in 0..<inLength {
                let incoming = pool[inStart[node] + inIndex]
                let stamp = nextStamp()
                targetVia.count = 0
                targetState.count = 0
                targetArc.count = 0
                for outIndex in 0..<outLength {
                    let outgoing = pool[outStart[node] + outIndex]
                    guard outgoing.other != incoming.other else { continue }
                    witness[Int(outgoing.other)].targetStamp = stamp
                    witness[Int(outgoing.other)].targetIndex = UInt32(targetVia.count)
                    targetVia.append(incoming.cost + outgoing.cost)
                    targetState.append(0)
                    targetArc.append(UInt32(outStart[node] + outIndex))
                }
                guard targetVia.count > 0 else { continue }
                witnessSearch(from: incoming.other, skip: x, limit: limit)
                pruneRedundantArcs(of: incoming.other, skip: x)
                for target in 0..<targetVia.count where targetState[target] != 1 {
                    let outgoing = pool[Int(targetArc[target])]
                    let via = targetVia[target]
                    let hops = incoming.hops &+ outgoing.hops
                    shortcuts.append(
                        CHShortcut(
                            from: incoming.other, to: outgoing.other,
                            arc: CHDynArc(
                                other: outgoing.other, weight: Self.saturate(via.weight), duration: Self.saturate(via.duration),
                                distance: Self.saturate(via.distance), middle: x, hops: hops
                            )
                        ))
                    addedHops += Int(hops)
                }
            }
        }
        let added = shortcuts.count
        let removed = inLength + outLength
        var priority = Int64(options.edgeDifferenceWeight) * Int64(added - removed)
        priority += Int64(options.edgeQuotientWeight) * Int64(1000 * added / max(removed, 1))
        priority += Int64(options.hopQuotientWeight) * Int64(1000 * addedHops / max(removedHops, 1))
        priority += Int64(options.contractedNeighboursWeight) * Int64(contractedNeighbours[node])
        priority += Int64(options.levelWeight) * Int64(level[node])
        return priority
    }

    @inline(__always) static func saturate(_ value: Int64) -> UInt32 {
        value >= Int64(UInt32.max) ? UInt32.max : UInt32(value)
    }

    /// Records x's arcs in the search graph at the next rank, adds its shortcuts, removes it from the graph
    /// and re-evaluates its neighbours.
    private mutating func contract(_ x: UInt32) {
        let node = Int(x)
        let rank = upForwardFirst.count - 1
        rankOf[node] = UInt32(rank)
        let inLength = Int(inCount[node]), outLength = Int(outCount[node])
        neighbours.count = 0
        for index in 0..<outLength {
            let arc = pool[outStart[node] + index]
            upForward.append(CHArc(head: arc.other, weight: arc.weight, duration: arc.duration, distance: arc.distance))
            upForwardMiddle.append(arc.middle)
            if arc.middle != chNone { shortcutTotal += 1 }
            if neighbourMark[Int(arc.other)] != x {
                neighbourMark[Int(arc.other)] = x
                neighbours.append(arc.other)
            }
        }
        for index in 0..<inLength {
            let arc = pool[inStart[node] + index]
            upBackward.append(CHArc(head: arc.other, weight: arc.weight, duration: arc.duration, distance: arc.distance))
            upBackwardMiddle.append(arc.middle)
            if arc.middle != chNone { shortcutTotal += 1 }
            if neighbourMark[Int(arc.other)] != x {
                neighbourMark[Int(arc.other)] = x
                neighbours.append(arc.other)
            }
        }
        upForwardFirst.append(UInt32(upForward.count))
        upBackwardFirst.append(UInt32(upBackward.count))

        for index in 0..<shortcuts.count { addOrImprove(shortcuts[index]) }
        for index in 0..<inLength {
            let tail = Int(pool.hot[inStart[node] + index].head)
            remove(x, from: outStart[tail], count: outCount, node: tail)
        }
        for index in 0..<outLength {
            let head = Int(pool.hot[outStart[node] + index].head)
            remove(x, from: inStart[head], count: inCount, node: head)
        }
        outCount[node] = 0
        inCount[node] = 0

        let nextLevel = level[node] + 1
        for index in 0..<neighbours.count {
            let neighbour = neighbours[index]
            contractedNeighbours[Int(neighbour)] += 1
            let oldLevel = level[Int(neighbour)]
            if oldLevel < nextLevel { level[Int(neighbour)] = nextLevel }
            if Int(neighbourUpdates[Int(neighbour)]) >= options.neighbourUpdateLimit {
                let position = Int(queuePosition[Int(neighbour)])
                let old = queue[position].priority
                stale[Int(neighbour)] = true
                queueUpdate(
                    neighbour,
                    old + Int64(options.contractedNeighboursWeight) + Int64(options.levelWeight) * Int64(level[Int(neighbour)] - oldLevel)
                )
                continue
            }
            neighbourUpdates[Int(neighbour)] += 1
            let priority = evaluate(neighbour, limit: options.simulationSettleLimit)
            queueUpdate(neighbour, priority)
        }
    }

    mutating func run(progress: ((ContractionProgress) -> Void)?) -> CHStorage {
        for node in 0..<n {
            queuePush(UInt32(node), evaluate(UInt32(node), limit: options.simulationSettleLimit))
        }
        let reportEvery = max(1, min(1 << 14, n / 100))
        var contracted = 0
        while queue.count > 0 {
            let x = queuePop()
            if stale[Int(x)] {
                // A cheap re-evaluation first: it usually shows whether the node is still the least important.
                stale[Int(x)] = false
                let estimate = evaluate(x, limit: options.simulationSettleLimit)
                if queue.count > 0, estimate > queue[0].priority {
                    queuePush(x, estimate)
                    continue
                }
            }
            let priority = evaluate(x, limit: options.witnessSettleLimit)
            if queue.count > 0, priority > queue[0].priority {
                queuePush(x, priority)
                continue
            }
            contract(x)
            contracted += 1
            if pool.count > 64 * 1024 && pool.count > 3 * liveArcs { compact() }
            if let progress, contracted % reportEvery == 0 || contracted == n {
                progress(ContractionProgress(contracted: contracted, total: n, shortcuts: shortcutTotal))
            }
        }
        if n == 0 { progress?(ContractionProgress(contracted: 0, total: 0, shortcuts: 0)) }
        return makeStorage()
    }

    // MARK: Node queue

    @inline(__always) private var queuePositions: CHNodePositions { CHNodePositions(positions: queuePosition) }

    @inline(__always) private mutating func queuePush(_ node: UInt32, _ priority: Int64) {
        queue.push(CHQueueItem(priority: priority, node: node), positions: queuePositions)
    }

    private mutating func queueUpdate(_ node: UInt32, _ priority: Int64) {
        let position = Int(queuePosition[Int(node)])
        guard position < queue.count, queue[position].node == node else { return }
        let old = queue[position].priority
        queue[position].priority = priority
        if priority < old {
            queue.siftUp(position, positions: queuePositions)
        } else if priority > old {
            queue.siftDown(position, positions: queuePositions)
        }
    }

    private mutating func queuePop() -> UInt32 {
        queuePosition[Int(queue.min.node)] = chNone
        return queue.popMin(positions: queuePositions).node
    }
}
