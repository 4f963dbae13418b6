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

struct CHShortcut {
    var from: UInt32
    var to: UInt32
    var arc: CHDynArc
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

    var pool: CHBuffer<CHDynArc>
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
    let witnessStamp: UnsafeMutablePointer<UInt32>
    let witnessTarget: UnsafeMutablePointer<UInt32>
    let witnessCost: UnsafeMutablePointer<CHCost>
    let witnessPosition: UnsafeMutablePointer<UInt32>
    var currentStamp: UInt32 = 0
    var witnessHeap: CHBuffer<CHWitnessItem>

    // Node queue (4-ary heap with positions).
    var queue: CHBuffer<CHQueueItem>
    let queuePosition: UnsafeMutablePointer<UInt32>

    var shortcuts: CHBuffer<CHShortcut>
    var neighbours: CHBuffer<UInt32>
    var addedHops = 0
    var statSearches = 0, statSettled = 0, statEvaluations = 0, statReinserts = 0, statMaxDegree = 0 // DEBUG

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
        witnessStamp = make(0)
        witnessTarget = make(0)
        witnessCost = make(CHCost.zero)
        witnessPosition = make(0)
        queuePosition = make(chNone)
        witnessHeap = CHBuffer(capacity: 1024)
        queue = CHBuffer(capacity: size)
        shortcuts = CHBuffer(capacity: 256)
        neighbours = CHBuffer(capacity: 256)
        rankOf = [UInt32](repeating: chNone, count: n)
        pool = CHBuffer(capacity: 16)
        loadArcs(input)
    }

    func deallocate() {
        pool.deallocate()
        for pointer in [outCount, outCapacity, inCount, inCapacity, level, contractedNeighbours, neighbourMark, witnessStamp, witnessTarget, witnessPosition, queuePosition] {
            pointer.deallocate()
        }
        outStart.deallocate()
        inStart.deallocate()
        witnessCost.deallocate()
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
        (pool.base + newStart).initialize(from: pool.base + start[node], count: length)
        pool.count += room
        start[node] = newStart
        capacity[node] = UInt32(room)
    }

    @inline(__always) private mutating func appendOut(_ node: UInt32, _ arc: CHDynArc) {
        let u = Int(node)
        if outCount[u] == outCapacity[u] { relocate(start: outStart, count: outCount, capacity: outCapacity, node: u) }
        pool[outStart[u] + Int(outCount[u])] = arc
        outCount[u] += 1
    }

    @inline(__always) private mutating func appendIn(_ node: UInt32, _ arc: CHDynArc) {
        let u = Int(node)
        if inCount[u] == inCapacity[u] { relocate(start: inStart, count: inCount, capacity: inCapacity, node: u) }
        pool[inStart[u] + Int(inCount[u])] = arc
        inCount[u] += 1
    }

    @inline(__always) private func remove(_ other: UInt32, from start: Int, count: UnsafeMutablePointer<UInt32>, node: Int) {
        let length = Int(count[node])
        var index = start
        let end = start + length
        while index < end {
            if pool[index].other == other {
                pool[index] = pool[end - 1]
                count[node] -= 1
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
            if pool[index].other == shortcut.to {
                guard shortcut.arc.cheaper(than: pool[index]) else { return }
                pool[index] = shortcut.arc
                var reverseIndex = inStart[to]
                let reverseEnd = reverseIndex + Int(inCount[to])
                while reverseIndex < reverseEnd {
                    if pool[reverseIndex].other == shortcut.from {
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
            witnessStamp.update(repeating: 0, count: max(n, 1))
            witnessTarget.update(repeating: 0, count: max(n, 1))
            currentStamp = 0
        }
        currentStamp += 1
        return currentStamp
    }

    /// Dijkstra from `source` over the remaining graph without `skip`, until `limit` nodes are settled, the
    /// cheapest label exceeds `bound`, or all `targets` nodes marked with the current stamp are settled.
    /// Labels stay in `witnessCost` for nodes stamped with the current stamp.
    private mutating func witnessSearch(from source: UInt32, skip: UInt32, bound: CHCost, targets: Int, limit: Int) {
        let stamp = currentStamp
        witnessHeap.count = 0
        witnessStamp[Int(source)] = stamp
        witnessCost[Int(source)] = .zero
        witnessPush(source, .zero)
        var settled = 0
        statSearches += 1 // DEBUG
        defer { statSettled += settled } // DEBUG
        var remaining = targets
        while witnessHeap.count > 0 {
            let top = witnessPop()
            let node = Int(top.node)
            guard !(bound < top.cost) else { break }
            if witnessTarget[node] == stamp {
                remaining -= 1
                if remaining == 0 { break }
            }
            settled += 1
            if settled >= limit { break }
            let start = outStart[node]
            let end = start + Int(outCount[node])
            var index = start
            while index < end {
                let arc = pool[index]
                index += 1
                let head = Int(arc.other)
                if arc.other == skip { continue }
                let cost = CHCost(
                    weight: top.cost.weight &+ Int64(arc.weight), duration: top.cost.duration &+ Int64(arc.duration),
                    distance: top.cost.distance &+ Int64(arc.distance)
                )
                if bound < cost { continue }
                if witnessStamp[head] != stamp {
                    witnessStamp[head] = stamp
                    witnessCost[head] = cost
                    witnessPush(arc.other, cost)
                } else if cost < witnessCost[head] {
                    witnessCost[head] = cost
                    let position = Int(witnessPosition[head])
                    if position < witnessHeap.count, witnessHeap[position].node == arc.other {
                        witnessHeap[position].cost = cost
                        witnessSiftUp(position)
                    }
                }
            }
        }
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
            witnessPosition[Int(parentItem.node)] = UInt32(position)
            position = parent
        }
        witnessHeap[position] = item
        witnessPosition[Int(item.node)] = UInt32(position)
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
            witnessPosition[Int(moved.node)] = UInt32(position)
            position = best
        }
        witnessHeap[position] = item
        witnessPosition[Int(item.node)] = UInt32(position)
        return top
    }

    // MARK: Evaluation and contraction

    /// Finds the shortcuts contracting `x` needs (left in `shortcuts`, hops in `addedHops`) and returns its priority.
    private mutating func evaluate(_ x: UInt32, limit: Int) -> Int64 {
        shortcuts.count = 0
        addedHops = 0
        statEvaluations += 1 // DEBUG
        let node = Int(x)
        let inLength = Int(inCount[node]), outLength = Int(outCount[node])
        var removedHops = 0
        for index in 0..<inLength { removedHops += Int(pool[inStart[node] + index].hops) }
        for index in 0..<outLength { removedHops += Int(pool[outStart[node] + index].hops) }
        if inLength > 0 && outLength > 0 {
            for inIndex in 0..<inLength {
                let incoming = pool[inStart[node] + inIndex]
                let stamp = nextStamp()
                var targets = 0
                var bound = CHCost.zero
                for outIndex in 0..<outLength {
                    let outgoing = pool[outStart[node] + outIndex]
                    guard outgoing.other != incoming.other else { continue }
                    witnessTarget[Int(outgoing.other)] = stamp
                    targets += 1
                    let via = incoming.cost + outgoing.cost
                    if bound < via { bound = via }
                }
                guard targets > 0 else { continue }
                witnessSearch(from: incoming.other, skip: x, bound: bound, targets: targets, limit: limit)
                for outIndex in 0..<outLength {
                    let outgoing = pool[outStart[node] + outIndex]
                    let head = Int(outgoing.other)
                    guard outgoing.other != incoming.other else { continue }
                    let via = incoming.cost + outgoing.cost
                    if witnessStamp[head] == stamp, !(via < witnessCost[head]) { continue }
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
            let tail = Int(pool[inStart[node] + index].other)
            remove(x, from: outStart[tail], count: outCount, node: tail)
        }
        for index in 0..<outLength {
            let head = Int(pool[outStart[node] + index].other)
            remove(x, from: inStart[head], count: inCount, node: head)
        }
        outCount[node] = 0
        inCount[node] = 0

        let nextLevel = level[node] + 1
        for index in 0..<neighbours.count {
            let neighbour = neighbours[index]
            contractedNeighbours[Int(neighbour)] += 1
            if level[Int(neighbour)] < nextLevel { level[Int(neighbour)] = nextLevel }
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
            let priority = evaluate(x, limit: options.witnessSettleLimit)
            if queue.count > 0, priority > queue[0].priority {
                queuePush(x, priority)
                statReinserts += 1 // DEBUG
                continue
            }
            contract(x)
            contracted += 1
            if let progress, contracted % reportEvery == 0 || contracted == n {
                progress(ContractionProgress(contracted: contracted, total: n, shortcuts: shortcutTotal))
            }
        }
        if n == 0 { progress?(ContractionProgress(contracted: 0, total: 0, shortcuts: 0)) }
        print("DEBUG searches \(statSearches) settled \(statSettled) evaluations \(statEvaluations) reinserts \(statReinserts)") // DEBUG
        return makeStorage()
    }

    /// Maps the recorded arcs to rank ids and sorts each node's arcs by head.
    private func makeStorage() -> CHStorage {
        let storage = CHStorage(
            nodeCount: n, forwardArcCount: upForward.count, backwardArcCount: upBackward.count, shortcutCount: shortcutTotal
        )
        for node in 0..<n {
            storage.rankOf[node] = rankOf[node]
            storage.nodeOf[Int(rankOf[node])] = UInt32(node)
        }
        for (arcs, middles, first, targetFirst, targetArcs, targetMiddles) in [
            (upForward, upForwardMiddle, upForwardFirst, storage.forwardFirst, storage.forwardArcs, storage.forwardMiddle),
            (upBackward, upBackwardMiddle, upBackwardFirst, storage.backwardFirst, storage.backwardArcs, storage.backwardMiddle),
        ] {
            for rank in 0...n { targetFirst[rank] = first[rank] }
            for index in 0..<arcs.count {
                var arc = arcs[index]
                arc.head = rankOf[Int(arc.head)]
                (targetArcs + index).initialize(to: arc)
                let middle = middles[index]
                (targetMiddles + index).initialize(to: middle == chNone ? chNone : rankOf[Int(middle)])
            }
            for rank in 0..<n {
                // Insertion sort by head: lists are short.
                let start = Int(first[rank]), end = Int(first[rank + 1])
                guard end - start > 1 else { continue }
                for index in (start + 1)..<end {
                    let arc = targetArcs[index], middle = targetMiddles[index]
                    var position = index
                    while position > start, targetArcs[position - 1].head > arc.head {
                        targetArcs[position] = targetArcs[position - 1]
                        targetMiddles[position] = targetMiddles[position - 1]
                        position -= 1
                    }
                    targetArcs[position] = arc
                    targetMiddles[position] = middle
                }
            }
        }
        return storage
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
