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

/// An arc of the graph being contracted; `other` is the head in an out-list and the tail in an in-list.
struct CHDynArc {
    var other: UInt32
    var weight: UInt32
    var duration: UInt32
    var distance: UInt32
    /// The contracted node a shortcut bypasses, or `chNone`.
    var middle: UInt32
    /// How many input arcs it stands for.
    var hops: UInt32

    @inline(__always) var cost: CHCost {
        CHCost(weight: Int64(weight), duration: Int64(duration), distance: Int64(distance))
    }

    @inline(__always) func cheaper(than other: CHDynArc) -> Bool {
        if weight != other.weight { return weight < other.weight }
        if duration != other.duration { return duration < other.duration }
        return distance < other.distance
    }
}

struct CHArcInfo {
    var middle: UInt32
    var hops: UInt32
}

/// The arcs of the dynamic graph in two parallel arrays: what witness searches read (head and costs, 16
/// bytes) and what they do not (middle node and hop count).
struct CHArcPool {
    var hot: CHBuffer<CHArc>
    var cold: CHBuffer<CHArcInfo>

    init(capacity: Int) {
        hot = CHBuffer(capacity: capacity)
        cold = CHBuffer(capacity: capacity)
    }

    var count: Int {
        get { hot.count }
        set {
            hot.count = newValue
            cold.count = newValue
        }
    }

    var capacity: Int { hot.capacity }

    mutating func grow(minimum: Int) {
        hot.grow(minimum: minimum)
        cold.grow(minimum: minimum)
    }

    func deallocate() {
        hot.deallocate()
        cold.deallocate()
    }

    @inline(__always) func copy(from source: Int, to target: Int, count: Int) {
        (hot.base + target).update(from: hot.base + source, count: count)
        (cold.base + target).update(from: cold.base + source, count: count)
    }

    @inline(__always) subscript(index: Int) -> CHDynArc {
        get {
            let arc = hot[index], info = cold[index]
            return CHDynArc(
                other: arc.head, weight: arc.weight, duration: arc.duration, distance: arc.distance, middle: info.middle, hops: info.hops
            )
        }
        nonmutating set {
            hot[index] = CHArc(head: newValue.other, weight: newValue.weight, duration: newValue.duration, distance: newValue.distance)
            cold[index] = CHArcInfo(middle: newValue.middle, hops: newValue.hops)
        }
    }
}

struct CHShortcut {
    var from: UInt32
    var to: UInt32
    var arc: CHDynArc
}

/// Per-node witness search state: a label valid when `stamp` is current, its heap position, and whether (and
/// which) target of the current search it is.
struct CHWitnessNode {
    var cost: CHCost
    var stamp: UInt32
    var position: UInt32
    var targetStamp: UInt32
    var targetIndex: UInt32
}

struct CHWitnessItem {
    var cost: CHCost
    var node: UInt32
}

struct CHQueueItem {
    var priority: Int64
    var node: UInt32

    @inline(__always) func before(_ other: CHQueueItem) -> Bool {
        priority != other.priority ? priority < other.priority : node < other.node
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
    var witnessHeap: CHBuffer<CHWitnessItem>

    // Node queue (4-ary heap with positions).
    var queue: CHBuffer<CHQueueItem>
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
        witnessHeap = CHBuffer(capacity: 1024)
        queue = CHBuffer(capacity: size)
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

    /// Drops self-loops, keeps the cheapest of parallel arcs, lays out the lists with some room to grow.
    private mutating func loadArcs(_ input: [HierarchyArc]) {
        var first = [Int](repeating: 0, count: n + 1)
        for arc in input {
            precondition(Int(arc.from) < n && Int(arc.to) < n, "arc \(arc.from) -> \(arc.to) outside the graph")
            first[Int(arc.from) + 1] += 1
        }
        for node in 0..<n { first[node + 1] += first[node] }
        var order = [Int32](repeating: 0, count: input.count)
        var fill = first
        for (index, arc) in input.enumerated() {
            order[fill[Int(arc.from)]] = Int32(truncatingIfNeeded: index)
            fill[Int(arc.from)] += 1
        }
        // Dedupe per tail: `seenFrom[to] == from` means arc from -> to is at kept[keptIndex[to]].
        var seenFrom = [UInt32](repeating: chNone, count: n)
        var keptIndex = [Int](repeating: 0, count: n)
        var kept: [CHShortcut] = []
        kept.reserveCapacity(input.count)
        for from in 0..<n {
            for position in first[from]..<first[from + 1] {
                let arc = input[Int(order[position])]
                guard arc.to != arc.from else { continue }
                let dyn = CHDynArc(other: arc.to, weight: arc.weight, duration: arc.duration, distance: arc.distance, middle: chNone, hops: 1)
                if seenFrom[Int(arc.to)] == UInt32(from) {
                    if dyn.cheaper(than: kept[keptIndex[Int(arc.to)]].arc) { kept[keptIndex[Int(arc.to)]].arc = dyn }
                } else {
                    seenFrom[Int(arc.to)] = UInt32(from)
                    keptIndex[Int(arc.to)] = kept.count
                    kept.append(CHShortcut(from: UInt32(from), to: arc.to, arc: dyn))
                }
            }
        }
        var outDegree = [Int](repeating: 0, count: n), inDegree = [Int](repeating: 0, count: n)
        for arc in kept {
            outDegree[Int(arc.from)] += 1
            inDegree[Int(arc.to)] += 1
        }
        var total = 0
        for node in 0..<n {
            let outRoom = outDegree[node] + outDegree[node] / 2 + 2
            let inRoom = inDegree[node] + inDegree[node] / 2 + 2
            outStart[node] = total
            outCapacity[node] = UInt32(outRoom)
            total += outRoom
            inStart[node] = total
            inCapacity[node] = UInt32(inRoom)
            total += inRoom
        }
        pool.grow(minimum: total + total / 4)
        pool.count = total
        liveArcs = 2 * kept.count
        for shortcut in kept {
            let from = Int(shortcut.from), to = Int(shortcut.to)
            pool[outStart[from] + Int(outCount[from])] = shortcut.arc
            outCount[from] += 1
            var reversed = shortcut.arc
            reversed.other = shortcut.from
            pool[inStart[to] + Int(inCount[to])] = reversed
            inCount[to] += 1
        }
    }

    // MARK: Dynamic graph

    /// Moves a full list to the end of the pool with twice the room.
    @inline(__always) private mutating func relocate(start: UnsafeMutablePointer<Int>, count: UnsafeMutablePointer<UInt32>, capacity: UnsafeMutablePointer<UInt32>, node: Int) {
        let length = Int(count[node])
        let room = max(4, Int(capacity[node]) * 2)
        let newStart = pool.count
        if newStart + room > pool.capacity { pool.grow(minimum: newStart + room) }
        pool.copy(from: start[node], to: newStart, count: length)
        pool.count += room
        start[node] = newStart
        capacity[node] = UInt32(room)
    }

    @inline(__always) private mutating func appendOut(_ node: UInt32, _ arc: CHDynArc) {
        let u = Int(node)
        if outCount[u] == outCapacity[u] { relocate(start: outStart, count: outCount, capacity: outCapacity, node: u) }
        pool[outStart[u] + Int(outCount[u])] = arc
        outCount[u] += 1
        liveArcs += 1
    }

    @inline(__always) private mutating func appendIn(_ node: UInt32, _ arc: CHDynArc) {
        let u = Int(node)
        if inCount[u] == inCapacity[u] { relocate(start: inStart, count: inCount, capacity: inCapacity, node: u) }
        pool[inStart[u] + Int(inCount[u])] = arc
        inCount[u] += 1
        liveArcs += 1
    }

    @inline(__always) private mutating func remove(_ other: UInt32, from start: Int, count: UnsafeMutablePointer<UInt32>, node: Int) {
        let length = Int(count[node])
        var index = start
        let end = start + length
        while index < end {
            if pool.hot[index].head == other {
                pool.copy(from: end - 1, to: index, count: 1)
                count[node] -= 1
                liveArcs -= 1
                return
            }
            index += 1
        }
    }

    /// Adds arc from -> to, or makes an existing one cheaper.
    private mutating func addOrImprove(_ shortcut: CHShortcut) {
        let from = Int(shortcut.from), to = Int(shortcut.to)
        var index = outStart[from]
        let end = index + Int(outCount[from])
        while index < end {
            if pool.hot[index].head == shortcut.to {
                guard shortcut.arc.cheaper(than: pool[index]) else { return }
                pool[index] = shortcut.arc
                var reverseIndex = inStart[to]
                let reverseEnd = reverseIndex + Int(inCount[to])
                while reverseIndex < reverseEnd {
                    if pool.hot[reverseIndex].head == shortcut.from {
                        var reversed = shortcut.arc
                        reversed.other = shortcut.from
                        pool[reverseIndex] = reversed
                        break
                    }
                    reverseIndex += 1
                }
                return
            }
            index += 1
        }
        appendOut(shortcut.from, shortcut.arc)
        var reversed = shortcut.arc
        reversed.other = shortcut.from
        appendIn(shortcut.to, reversed)
    }

    // MARK: Witness search

    private mutating func nextStamp() -> UInt32 {
        if currentStamp == UInt32.max - 1 {
            for node in 0..<max(n, 1) {
                witness[node].stamp = 0
                witness[node].targetStamp = 0
            }
            currentStamp = 0
        }
        currentStamp += 1
        return currentStamp
    }

    /// Dijkstra from `source` over the remaining graph without `skip`, for the targets marked with the current
    /// stamp (their via costs in `targetVia`): a target is witnessed once some label of it costs at most its via
    /// cost, and needs its shortcut once settled more expensively. Stops when every target is decided, the
    /// cheapest label exceeds every undecided via cost, or `limit` nodes are settled; undecided targets
    /// stay 0 in `targetState` (1: witnessed, 2: not).
    private mutating func witnessSearch(from source: UInt32, skip: UInt32, limit: Int) {
        let stamp = currentStamp
        let targets = targetVia.count
        var undecided = targets
        var bound = CHCost.zero
        for index in 0..<targets where bound < targetVia[index] { bound = targetVia[index] }
        witnessHeap.count = 0
        witness[Int(source)].stamp = stamp
        witness[Int(source)].cost = .zero
        witnessPush(source, .zero)
        var settled = 0
        var relaxed = 0
        let relaxLimit = limit * Self.relaxationsPerSettle
        search: while witnessHeap.count > 0 {
            let top = witnessPop()
            if bound < top.cost { break }
            let node = Int(top.node)
            if witness[node].targetStamp == stamp {
                let target = Int(witness[node].targetIndex)
                if targetState[target] == 0 {
                    targetState[target] = 2
                    undecided -= 1
                    if undecided == 0 { break }
                    bound = tighterBound()
                }
            }
            settled += 1
            if settled >= limit { break }
            let start = outStart[node]
            let end = start + Int(outCount[node])
            relaxed += end - start
            if relaxed > relaxLimit { break }
            var index = start
            while index < end {
                let arc = pool.hot[index]
                index += 1
                if arc.head == skip { continue }
                let cost = top.cost.adding(arc)
                if bound < cost { continue }
                let head = Int(arc.head)
                if witness[head].stamp != stamp {
                    witness[head].stamp = stamp
                    witness[head].cost = cost
                    witnessPush(arc.head, cost)
                } else if cost < witness[head].cost {
                    witness[head].cost = cost
                    let position = Int(witness[head].position)
                    if position < witnessHeap.count, witnessHeap[position].node == arc.head {
                        witnessHeap[position].cost = cost
                        witnessSiftUp(position)
                    }
                } else {
                    continue
                }
                if witness[head].targetStamp == stamp {
                    let target = Int(witness[head].targetIndex)
                    if targetState[target] == 0, !(targetVia[target] < cost) {
                        targetState[target] = 1
                        undecided -= 1
                        if undecided == 0 { break search }
                        bound = tighterBound()
                    }
                }
            }
        }
    }

    /// Removes the out-arcs of `node` that the last witness search from it beat strictly by another path (which
    /// avoids `skip`, whose lists are being read): no shortest path needs them, and dropping them keeps the
    /// remaining graph sparse where limited searches added shortcuts a longer search would have spared.
    private mutating func pruneRedundantArcs(of node: UInt32, skip: UInt32) {
        let stamp = currentStamp
        let u = Int(node)
        var index = outStart[u]
        var end = index + Int(outCount[u])
        while index < end {
            let arc = pool.hot[index]
            let head = Int(arc.head)
            if arc.head != skip, witness[head].stamp == stamp, witness[head].cost < CHCost.zero.adding(arc) {
                pool.copy(from: end - 1, to: index, count: 1)
                outCount[u] -= 1
                liveArcs -= 1
                end -= 1
                remove(node, from: inStart[head], count: inCount, node: head)
                continue
            }
            index += 1
        }
    }

    /// The largest via cost of the undecided targets.
    @inline(__always) private func tighterBound() -> CHCost {
        var bound = CHCost.zero
        for index in 0..<targetVia.count where targetState[index] == 0 && bound < targetVia[index] { bound = targetVia[index] }
        return bound
    }

    @inline(__always) private mutating func witnessPush(_ node: UInt32, _ cost: CHCost) {
        witnessHeap.append(CHWitnessItem(cost: cost, node: node))
        witnessSiftUp(witnessHeap.count - 1)
    }

    @inline(__always) private func witnessSiftUp(_ start: Int) {
        let item = witnessHeap[start]
        var position = start
        while position > 0 {
            let parent = (position - 1) >> 2
            let parentItem = witnessHeap[parent]
            guard item.cost < parentItem.cost else { break }
            witnessHeap[position] = parentItem
            witness[Int(parentItem.node)].position = UInt32(position)
            position = parent
        }
        witnessHeap[position] = item
        witness[Int(item.node)].position = UInt32(position)
    }

    @inline(__always) private mutating func witnessPop() -> CHWitnessItem {
        let top = witnessHeap[0]
        witnessHeap.count -= 1
        let count = witnessHeap.count
        guard count > 0 else { return top }
        let item = witnessHeap[count]
        var position = 0
        while true {
            let first = position << 2 + 1
            if first >= count { break }
            var best = first
            var bestCost = witnessHeap[first].cost
            var child = first + 1
            let end = min(first + 4, count)
            while child < end {
                let cost = witnessHeap[child].cost
                if cost < bestCost {
                    best = child
                    bestCost = cost
                }
                child += 1
            }
            guard bestCost < item.cost else { break }
            let moved = witnessHeap[best]
            witnessHeap[position] = moved
            witness[Int(moved.node)].position = UInt32(position)
            position = best
        }
        witnessHeap[position] = item
        witness[Int(item.node)].position = UInt32(position)
        return top
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
                    shortcuts.append(CHShortcut(
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

    /// A witness search also stops after relaxing this many arcs per allowed settled node (dense cores).
    static let relaxationsPerSettle = 20

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

    /// Maps the recorded arcs to rank ids and sorts each node's arcs by head.
    private func makeStorage() -> CHStorage {
        // Internal ids: by level in the hierarchy (a node's level is one more than the highest level below it),
        // then by input id. Arcs still point to higher ids, the top levels every search visits are one block,
        // and the many low-level nodes keep the input's locality.
        var nodeByRank = [UInt32](repeating: 0, count: n)
        for node in 0..<n { nodeByRank[Int(rankOf[node])] = UInt32(node) }
        var levelOf = [UInt32](repeating: 0, count: n)
        var levels = 0
        for rank in 0..<n {
            let node = Int(nodeByRank[rank])
            let next = levelOf[node] + 1
            for index in Int(upForwardFirst[rank])..<Int(upForwardFirst[rank + 1]) {
                let head = Int(upForward[index].head)
                if levelOf[head] < next { levelOf[head] = next }
            }
            for index in Int(upBackwardFirst[rank])..<Int(upBackwardFirst[rank + 1]) {
                let head = Int(upBackward[index].head)
                if levelOf[head] < next { levelOf[head] = next }
            }
            levels = max(levels, Int(levelOf[node]) + 1)
        }
        var levelStart = [Int](repeating: 0, count: levels + 1)
        for node in 0..<n { levelStart[Int(levelOf[node]) + 1] += 1 }
        for level in 0..<levels { levelStart[level + 1] += levelStart[level] }
        var idOf = [UInt32](repeating: 0, count: n)
        for node in 0..<n {
            let level = Int(levelOf[node])
            idOf[node] = UInt32(levelStart[level])
            levelStart[level] += 1
        }

        let storage = CHStorage(
            nodeCount: n, forwardArcCount: upForward.count, backwardArcCount: upBackward.count, shortcutCount: shortcutTotal
        )
        for node in 0..<n {
            storage.rankOf[node] = idOf[node]
            storage.nodeOf[Int(idOf[node])] = UInt32(node)
        }
        // Per node: its forward arcs, then its backward arcs, each sorted by head (insertion sort: lists are short).
        var written = 0
        storage.first[0] = 0
        func place(_ arcs: [CHArc], _ middles: [UInt32], _ range: Range<Int>) {
            let start = written
            for index in range {
                var arc = arcs[index]
                arc.head = idOf[Int(arc.head)]
                let middle = middles[index]
                var position = written
                while position > start, storage.arcs[position - 1].head > arc.head {
                    storage.arcs[position] = storage.arcs[position - 1]
                    storage.middle[position] = storage.middle[position - 1]
                    position -= 1
                }
                storage.arcs[position] = arc
                storage.middle[position] = middle == chNone ? chNone : idOf[Int(middle)]
                written += 1
            }
        }
        for id in 0..<n {
            let rank = Int(rankOf[Int(storage.nodeOf[id])])
            place(upForward, upForwardMiddle, Int(upForwardFirst[rank])..<Int(upForwardFirst[rank + 1]))
            storage.split[id] = UInt32(written)
            place(upBackward, upBackwardMiddle, Int(upBackwardFirst[rank])..<Int(upBackwardFirst[rank + 1]))
            storage.first[id + 1] = UInt32(written)
        }
        return storage
    }

    /// Lays the lists out afresh in node order, dropping abandoned blocks and the room of removed nodes.
    private mutating func compact() {
        var total = 0
        for node in 0..<n where rankOf[node] == chNone {
            total += Int(outCount[node]) + Int(outCount[node]) / 2 + 2
            total += Int(inCount[node]) + Int(inCount[node]) / 2 + 2
        }
        var fresh = CHArcPool(capacity: total + total / 4)
        fresh.count = total
        var position = 0
        func place(_ start: UnsafeMutablePointer<Int>, _ count: UnsafeMutablePointer<UInt32>, _ capacity: UnsafeMutablePointer<UInt32>, _ node: Int) {
            let length = Int(count[node])
            let room = length + length / 2 + 2
            (fresh.hot.base + position).update(from: pool.hot.base + start[node], count: length)
            (fresh.cold.base + position).update(from: pool.cold.base + start[node], count: length)
            start[node] = position
            capacity[node] = UInt32(room)
            position += room
        }
        for node in 0..<n where rankOf[node] == chNone {
            place(outStart, outCount, outCapacity, node)
            place(inStart, inCount, inCapacity, node)
        }
        pool.deallocate()
        pool = fresh
    }

    // MARK: Node queue

    @inline(__always) private mutating func queuePush(_ node: UInt32, _ priority: Int64) {
        queue.append(CHQueueItem(priority: priority, node: node))
        queueSiftUp(queue.count - 1)
    }

    private mutating func queueUpdate(_ node: UInt32, _ priority: Int64) {
        let position = Int(queuePosition[Int(node)])
        guard position < queue.count, queue[position].node == node else { return }
        let old = queue[position].priority
        queue[position].priority = priority
        if priority < old { queueSiftUp(position) } else if priority > old { queueSiftDown(position) }
    }

    private mutating func queuePop() -> UInt32 {
        let top = queue[0]
        queuePosition[Int(top.node)] = chNone
        queue.count -= 1
        if queue.count > 0 {
            queue[0] = queue[queue.count]
            queuePosition[Int(queue[0].node)] = 0
            queueSiftDown(0)
        }
        return top.node
    }

    private func queueSiftUp(_ start: Int) {
        let item = queue[start]
        var position = start
        while position > 0 {
            let parent = (position - 1) >> 2
            let parentItem = queue[parent]
            guard item.before(parentItem) else { break }
            queue[position] = parentItem
            queuePosition[Int(parentItem.node)] = UInt32(position)
            position = parent
        }
        queue[position] = item
        queuePosition[Int(item.node)] = UInt32(position)
    }

    private func queueSiftDown(_ start: Int) {
        let item = queue[start]
        let count = queue.count
        var position = start
        while true {
            let first = position << 2 + 1
            if first >= count { break }
            var best = first
            var child = first + 1
            let end = min(first + 4, count)
            while child < end {
                if queue[child].before(queue[best]) { best = child }
                child += 1
            }
            guard queue[best].before(item) else { break }
            queue[position] = queue[best]
            queuePosition[Int(queue[position].node)] = UInt32(position)
            position = best
        }
        queue[position] = item
        queuePosition[Int(item.node)] = UInt32(position)
    }
}
