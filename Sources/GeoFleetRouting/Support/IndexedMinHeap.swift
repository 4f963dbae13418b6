/// An item of an ``IndexedMinHeap``: `before` is the strict order, the least item first.
protocol HeapItem: BitwiseCopyable {
    func before(_ other: Self) -> Bool
}

/// Where the heap records an item's position each time it moves (a node- or label-indexed array of the
/// caller's), so that the caller can find the item again to change its key.
protocol HeapPositions<Item> {
    associatedtype Item: HeapItem
    func record(_ item: Item, at position: Int)
}

/// A 4-ary min-heap of plain values that reports every move to a ``HeapPositions``, for decrease- and
/// increase-key. The positions are passed per call rather than stored, because they usually live in a
/// buffer beside the heap that may be reallocated between calls. Generic but specialised in the hot loops
/// (everything is inlined); the storage is a `CHBuffer`, so the owner calls `deallocate()` once.
struct IndexedMinHeap<Item: HeapItem> {
    private(set) var items: CHBuffer<Item>

    init(capacity: Int) {
        items = CHBuffer(capacity: capacity)
    }

    func deallocate() { items.deallocate() }

    @inline(__always) var count: Int { items.count }
    @inline(__always) var isEmpty: Bool { items.count == 0 }
    /// The least item; the heap must not be empty.
    @inline(__always) var min: Item { items.base[0] }

    /// The item at a heap position (the position a ``HeapPositions`` was told); setting it changes it in
    /// place, and the caller then restores the order with `siftUp` or `siftDown`.
    @inline(__always) subscript(position: Int) -> Item {
        get { items.base[position] }
        nonmutating set { items.base[position] = newValue }
    }

    @inline(__always) mutating func removeAll() { items.count = 0 }

    @inline(__always) mutating func push<P: HeapPositions<Item>>(_ item: Item, positions: P) {
        items.append(item)
        siftUp(items.count - 1, positions: positions)
    }

    /// Removes and returns the least item; its position is not recorded again.
    @inline(__always) mutating func popMin<P: HeapPositions<Item>>(positions: P) -> Item {
        let top = items.base[0]
        items.count -= 1
        if items.count > 0 { sink(items.base[items.count], from: 0, positions: positions) }
        return top
    }

    /// Moves the item at `start` up after its key decreased.
    @inline(__always) func siftUp<P: HeapPositions<Item>>(_ start: Int, positions: P) {
        let item = items.base[start]
        var position = start
        while position > 0 {
            let parent = (position - 1) >> 2
            let parentItem = items.base[parent]
            guard item.before(parentItem) else { break }
            place(parentItem, at: position, positions: positions)
            position = parent
        }
        place(item, at: position, positions: positions)
    }

    /// Moves the item at `start` down after its key increased.
    @inline(__always) func siftDown<P: HeapPositions<Item>>(_ start: Int, positions: P) {
        sink(items.base[start], from: start, positions: positions)
    }

    /// Places `item` from `start` down (the slot at `start` is free).
    @inline(__always) private func sink<P: HeapPositions<Item>>(_ item: Item, from start: Int, positions: P) {
        let count = items.count
        var position = start
        while true {
            let first = position << 2 + 1
            if first >= count { break }
            var best = first
            var bestItem = items.base[first]
            let end = Swift.min(first + 4, count)
            var child = first + 1
            while child < end {
                let candidate = items.base[child]
                if candidate.before(bestItem) {
                    best = child
                    bestItem = candidate
                }
                child += 1
            }
            guard bestItem.before(item) else { break }
            place(bestItem, at: position, positions: positions)
            position = best
        }
        place(item, at: position, positions: positions)
    }

    @inline(__always) private func place<P: HeapPositions<Item>>(_ item: Item, at position: Int, positions: P) {
        items.base[position] = item
        positions.record(item, at: position)
    }
}
