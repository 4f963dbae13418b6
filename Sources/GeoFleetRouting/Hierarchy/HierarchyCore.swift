// Building blocks shared by contraction, point queries and matrices: the lexicographic cost, the search
// graph's arc, a growable buffer of plain values, and the search space (labels plus an indexed heap).

/// A path cost, compared lexicographically: weight, then duration, then distance.
struct CHCost: Equatable {
    var weight: Int64
    var duration: Int64
    var distance: Int64

    static let zero = CHCost(weight: 0, duration: 0, distance: 0)
    static let infinity = CHCost(weight: .max, duration: .max, distance: .max)

    @inline(__always) init(weight: Int64, duration: Int64, distance: Int64) {
        self.weight = weight
        self.duration = duration
        self.distance = distance
    }

    @inline(__always) init(_ endpoint: SearchEndpoint) {
        self.init(weight: endpoint.weight, duration: endpoint.duration, distance: endpoint.distance)
    }

    @inline(__always) static func < (a: CHCost, b: CHCost) -> Bool {
        if a.weight != b.weight { return a.weight < b.weight }
        if a.duration != b.duration { return a.duration < b.duration }
        return a.distance < b.distance
    }

    @inline(__always) static func + (a: CHCost, b: CHCost) -> CHCost {
        CHCost(weight: a.weight &+ b.weight, duration: a.duration &+ b.duration, distance: a.distance &+ b.distance)
    }

    @inline(__always) func adding(_ arc: CHArc) -> CHCost {
        CHCost(
            weight: weight &+ Int64(arc.weight), duration: duration &+ Int64(arc.duration),
            distance: distance &+ Int64(arc.distance)
        )
    }

    var isInfinite: Bool { weight == .max }
}

/// An arc of the search graph: stored at its lower-ranked end, `head` is the higher-ranked one.
struct CHArc: Equatable {
    var head: UInt32
    var weight: UInt32
    var duration: UInt32
    var distance: UInt32
}

/// Marks "no node / no arc / not in the heap".
let chNone = UInt32.max

/// A growable array of plain values behind a raw pointer: no bounds, uniqueness or exclusivity checks in
/// the hot loops. Copies share the memory; the owner calls `deallocate()` once.
struct CHBuffer<Element: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<Element>
    var count: Int
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
        count = 0
    }

    @inline(__always) subscript(index: Int) -> Element {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }

    @inline(__always) mutating func append(_ element: Element) {
        if count == capacity { grow(minimum: count + 1) }
        (base + count).initialize(to: element)
        count += 1
    }

    /// Makes room for `minimum` elements, keeping the first `count`.
    mutating func grow(minimum: Int) {
        guard minimum > capacity else { return }
        let newCapacity = max(minimum, capacity * 2)
        let newBase = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        newBase.initialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    func deallocate() { base.deallocate() }
}

/// One labelled node of a search.
struct CHEntry {
    var cost: CHCost
    var node: UInt32
    /// The entry this one was reached from, or `chNone` for a start.
    var parent: UInt32
    /// The arc (index into the direction's arc array) from the parent, or for a start the endpoint's index.
    var via: UInt32
    /// Position in the heap, or `chNone` once settled.
    var heapIndex: UInt32
}

/// A heap item of the searches: a cost and what it is the cost of (an entry of a search space, or a node of
/// the witness search).
struct CHHeapItem: HeapItem {
    var cost: CHCost
    var key: UInt32

    @inline(__always) func before(_ other: CHHeapItem) -> Bool { cost < other.cost }
}

/// Heap positions kept in the entries' `heapIndex`.
struct CHEntryPositions: HeapPositions {
    let entries: UnsafeMutablePointer<CHEntry>

    @inline(__always) func record(_ item: CHHeapItem, at position: Int) {
        entries[Int(item.key)].heapIndex = UInt32(truncatingIfNeeded: position)
    }
}

/// The state of one upward Dijkstra search: a node-indexed slot array (never cleared: a slot is valid when
/// the entry it points to names the node back) and compact entries in label order, plus a 4-ary heap with
/// decrease-key. Resetting costs nothing; after warm-up a search allocates nothing.
struct CHSearchSpace {
    let slot: UnsafeMutablePointer<UInt32>
    let nodeCount: Int
    var entries: CHBuffer<CHEntry>
    var heap: IndexedMinHeap<CHHeapItem>

    init(nodeCount: Int) {
        self.nodeCount = nodeCount
        slot = .allocate(capacity: max(nodeCount, 1))
        slot.initialize(repeating: 0, count: max(nodeCount, 1))
        entries = CHBuffer(capacity: 256)
        heap = IndexedMinHeap(capacity: 256)
    }

    func deallocate() {
        slot.deallocate()
        entries.deallocate()
        heap.deallocate()
    }

    @inline(__always) mutating func reset() {
        entries.count = 0
        heap.removeAll()
    }

    /// The node's entry index, or -1.
    @inline(__always) func find(_ node: UInt32) -> Int {
        let index = Int(slot[Int(node)])
        return index < entries.count && entries.base[index].node == node ? index : -1
    }

    @inline(__always) var isEmpty: Bool { heap.isEmpty }
    @inline(__always) var minCost: CHCost { heap.min.cost }

    /// Labels `node` with `cost` if it is unlabelled, or improves a label still in the heap. Ties keep the
    /// older label.
    @inline(__always) mutating func relax(node: UInt32, cost: CHCost, parent: UInt32, via: UInt32) {
        let index = find(node)
        if index < 0 {
            let entry = entries.count
            slot[Int(node)] = UInt32(truncatingIfNeeded: entry)
            entries.append(CHEntry(cost: cost, node: node, parent: parent, via: via, heapIndex: UInt32(truncatingIfNeeded: heap.count)))
            heap.push(CHHeapItem(cost: cost, key: UInt32(truncatingIfNeeded: entry)), positions: CHEntryPositions(entries: entries.base))
        } else if cost < entries.base[index].cost {
            let position = entries.base[index].heapIndex
            guard position != chNone else { return }
            entries.base[index].cost = cost
            entries.base[index].parent = parent
            entries.base[index].via = via
            heap[Int(position)].cost = cost
            heap.siftUp(Int(position), positions: CHEntryPositions(entries: entries.base))
        }
    }

    /// Removes the cheapest entry from the heap (marking it settled) and returns its index.
    @inline(__always) mutating func popMin() -> Int {
        entries.base[Int(heap.min.key)].heapIndex = chNone
        let top = heap.popMin(positions: CHEntryPositions(entries: entries.base))
        return Int(top.key)
    }
}
