extension ContractedGraph {
    /// Many-to-many costs with the bucket algorithm (Knopp et al. 2007): a backward upward search from every
    /// target column leaves (column, cost) in a bucket at each node it settles without stalling; then a forward
    /// upward search from every source row scans the buckets of the nodes it settles. Each cell is the
    /// lexicographic minimum of (weight, duration, distance) over meetings with a non-negative total weight,
    /// the same as `HierarchyQuery.route` finds. An empty endpoint list leaves its row or column unreachable.
    public func matrix(sources: [[SearchEndpoint]], targets: [[SearchEndpoint]]) -> HierarchyMatrix {
        let rows = sources.count, columns = targets.count
        var weights = [Int64](repeating: .max, count: rows * columns)
        var durations = weights
        var distances = weights
        guard rows > 0, columns > 0, nodeCount > 0 else {
            return HierarchyMatrix(rows: rows, columns: columns, weights: weights, durations: durations, distances: distances)
        }
        let storage = self.storage
        let view = CHView(storage)
        var space = CHSearchSpace(nodeCount: nodeCount)
        defer { space.deallocate() }

        // Backward searches, buckets in search order.
        var bucketNodes = CHBuffer<UInt32>(capacity: columns * 64)
        var bucketItems = CHBuffer<CHBucketItem>(capacity: columns * 64)
        defer {
            bucketNodes.deallocate()
            bucketItems.deallocate()
        }
        for column in 0..<columns where !targets[column].isEmpty {
            space.reset()
            for (index, endpoint) in targets[column].enumerated() {
                precondition(Int(endpoint.node) < nodeCount, "target node outside the graph")
                space.relax(node: storage.rankOf[Int(endpoint.node)], cost: CHCost(endpoint), parent: chNone, via: UInt32(index))
            }
            let columnTag = UInt32(column)
            view.exhaust(&space, forward: false) { node, cost in
                bucketNodes.append(node)
                bucketItems.append(CHBucketItem(cost: cost, column: columnTag))
            }
        }

        // Counting sort of the bucket entries by node (stable: columns stay in order within a node).
        let bucketCount = bucketNodes.count
        precondition(bucketCount < Int(Int32.max), "matrix too large")
        var bucketFirst = [Int32](repeating: 0, count: nodeCount + 1)
        var sorted = CHBuffer<CHBucketItem>(capacity: bucketCount)
        defer { sorted.deallocate() }
        bucketFirst.withUnsafeMutableBufferPointer { first in
            for index in 0..<bucketCount { first[Int(bucketNodes[index]) + 1] += 1 }
            for node in 0..<nodeCount { first[node + 1] += first[node] }
            for index in 0..<bucketCount {
                let node = Int(bucketNodes[index])
                sorted[Int(first[node])] = bucketItems[index]
                first[node] += 1
            }
            // Shift back: first[node] now holds the end of node's range.
            var node = nodeCount
            while node > 0 {
                first[node] = first[node - 1]
                node -= 1
            }
            first[0] = 0
        }
        sorted.count = bucketCount

        // Forward searches scan the buckets.
        let rowBest = CHBuffer<CHCost>(capacity: columns)
        defer { rowBest.deallocate() }
        bucketFirst.withUnsafeBufferPointer { first in
            for row in 0..<rows where !sources[row].isEmpty {
                for column in 0..<columns { (rowBest.base + column).initialize(to: .infinity) }
                space.reset()
                for (index, endpoint) in sources[row].enumerated() {
                    precondition(Int(endpoint.node) < nodeCount, "source node outside the graph")
                    space.relax(node: storage.rankOf[Int(endpoint.node)], cost: CHCost(endpoint), parent: chNone, via: UInt32(index))
                }
                let best = rowBest.base
                let items = sorted.base
                view.exhaust(&space, forward: true) { node, cost in
                    var index = Int(first[Int(node)])
                    let end = Int(first[Int(node) + 1])
                    while index < end {
                        let item = items[index]
                        index += 1
                        let total = cost + item.cost
                        let column = Int(item.column)
                        if total.weight >= 0, total < best[column] { best[column] = total }
                    }
                }
                let offset = row * columns
                for column in 0..<columns where !best[column].isInfinite {
                    weights[offset + column] = best[column].weight
                    durations[offset + column] = best[column].duration
                    distances[offset + column] = best[column].distance
                }
            }
        }
        return HierarchyMatrix(rows: rows, columns: columns, weights: weights, durations: durations, distances: distances)
    }
}

struct CHBucketItem {
    var cost: CHCost
    var column: UInt32
}
