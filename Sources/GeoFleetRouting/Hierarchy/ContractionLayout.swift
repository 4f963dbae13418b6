// The contracted graph's final layout: nodes numbered by level, each node's arcs sorted by head.

extension CHContractor {
    /// Maps the recorded arcs to rank ids and sorts each node's arcs by head.
    func makeStorage() -> CHStorage {
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
}
