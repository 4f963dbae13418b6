// The dynamic graph of the contraction: out- and in-lists of arcs, in blocks of one pool.

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

extension CHContractor {
    /// Drops self-loops, keeps the cheapest of parallel arcs, lays out the lists with some room to grow.
    mutating func loadArcs(_ input: [HierarchyArc]) {
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

    /// Moves a full list to the end of the pool with twice the room.
    @inline(__always) private mutating func relocate(
        start: UnsafeMutablePointer<Int>, count: UnsafeMutablePointer<UInt32>, capacity: UnsafeMutablePointer<UInt32>, node: Int
    ) {
        let length = Int(count[node])
        let room = max(4, Int(capacity[node]) * 2)
        let newStart = pool.count
        if newStart + room > pool.capacity { pool.grow(minimum: newStart + room) }
        pool.copy(from: start[node], to: newStart, count: length)
        pool.count += room
        start[node] = newStart
        capacity[node] = UInt32(room)
    }

    /// Appends `arc` to one of `node`'s lists (out or in: the list's start, count and capacity arrays).
    @inline(__always) private mutating func append(
        _ arc: CHDynArc, to node: UInt32, start: UnsafeMutablePointer<Int>, count: UnsafeMutablePointer<UInt32>,
        capacity: UnsafeMutablePointer<UInt32>
    ) {
        let u = Int(node)
        if count[u] == capacity[u] { relocate(start: start, count: count, capacity: capacity, node: u) }
        pool[start[u] + Int(count[u])] = arc
        count[u] += 1
        liveArcs += 1
    }

    @inline(__always) mutating func remove(_ other: UInt32, from start: Int, count: UnsafeMutablePointer<UInt32>, node: Int) {
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
    mutating func addOrImprove(_ shortcut: CHShortcut) {
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
        append(shortcut.arc, to: shortcut.from, start: outStart, count: outCount, capacity: outCapacity)
        var reversed = shortcut.arc
        reversed.other = shortcut.from
        append(reversed, to: shortcut.to, start: inStart, count: inCount, capacity: inCapacity)
    }

    /// Lays the lists out afresh in node order, dropping abandoned blocks and the room of removed nodes.
    mutating func compact() {
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
}
