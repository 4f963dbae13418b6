// The witness search of the contraction: a bounded Dijkstra that decides which shortcuts contracting a
// node needs.

/// Per-node witness search state: a label valid when `stamp` is current, its heap position, and whether (and
/// which) target of the current search it is.
struct CHWitnessNode {
    var cost: CHCost
    var stamp: UInt32
    var position: UInt32
    var targetStamp: UInt32
    var targetIndex: UInt32
}

/// Witness heap positions, kept in the per-node witness state.
struct CHWitnessPositions: HeapPositions {
    let witness: UnsafeMutablePointer<CHWitnessNode>

    @inline(__always) func record(_ item: CHHeapItem, at position: Int) {
        witness[Int(item.key)].position = UInt32(truncatingIfNeeded: position)
    }
}

extension CHContractor {
    /// A witness search also stops after relaxing this many arcs per allowed settled node (dense cores).
    static let relaxationsPerSettle = 20

    @inline(__always) var witnessPositions: CHWitnessPositions { CHWitnessPositions(witness: witness) }

    mutating func nextStamp() -> UInt32 {
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
    mutating func witnessSearch(from source: UInt32, skip: UInt32, limit: Int) {
        let stamp = currentStamp
        let targets = targetVia.count
        var undecided = targets
        var bound = CHCost.zero
        for index in 0..<targets where bound < targetVia[index] { bound = targetVia[index] }
        witnessHeap.removeAll()
        witness[Int(source)].stamp = stamp
        witness[Int(source)].cost = .zero
        witnessHeap.push(CHHeapItem(cost: .zero, key: source), positions: witnessPositions)
        var settled = 0
        var relaxed = 0
        let relaxLimit = limit * Self.relaxationsPerSettle
        search: while !witnessHeap.isEmpty {
            let top = witnessHeap.popMin(positions: witnessPositions)
            if bound < top.cost { break }
            let node = Int(top.key)
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
                    witnessHeap.push(CHHeapItem(cost: cost, key: arc.head), positions: witnessPositions)
                } else if cost < witness[head].cost {
                    witness[head].cost = cost
                    let position = Int(witness[head].position)
                    if position < witnessHeap.count, witnessHeap[position].key == arc.head {
                        witnessHeap[position].cost = cost
                        witnessHeap.siftUp(position, positions: witnessPositions)
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
    mutating func pruneRedundantArcs(of node: UInt32, skip: UInt32) {
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
}
