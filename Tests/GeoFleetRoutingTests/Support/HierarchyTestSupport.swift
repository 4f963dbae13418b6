import GeoFleetCore
@testable import GeoFleetRouting

/// A small seeded generator (SplitMix64), so every test graph is reproducible.
struct HierarchyRandom: RandomNumberGenerator {
    private var generator: SeededGenerator

    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    mutating func next() -> UInt64 { generator.next() }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &self) < probability }
}

/// A lexicographic (weight, duration, distance) cost, as the hierarchy minimises it.
struct RefCost: Comparable, CustomStringConvertible {
    var weight: Int64
    var duration: Int64
    var distance: Int64

    static let zero = RefCost(weight: 0, duration: 0, distance: 0)

    static func < (a: RefCost, b: RefCost) -> Bool {
        (a.weight, a.duration, a.distance) < (b.weight, b.duration, b.distance)
    }

    static func + (a: RefCost, b: RefCost) -> RefCost {
        RefCost(weight: a.weight + b.weight, duration: a.duration + b.duration, distance: a.distance + b.distance)
    }

    init(weight: Int64, duration: Int64, distance: Int64) {
        self.weight = weight
        self.duration = duration
        self.distance = distance
    }

    init(_ arc: HierarchyArc) {
        self.init(weight: Int64(arc.weight), duration: Int64(arc.duration), distance: Int64(arc.distance))
    }

    init(_ endpoint: SearchEndpoint) {
        self.init(weight: endpoint.weight, duration: endpoint.duration, distance: endpoint.distance)
    }

    init(_ path: HierarchyPath) {
        self.init(weight: path.weight, duration: path.duration, distance: path.distance)
    }

    var description: String { "(\(weight), \(duration), \(distance))" }
}

/// The input graph as a plain adjacency structure: the reference for everything the hierarchy answers.
struct ReferenceGraph {
    let nodeCount: Int
    let arcs: [HierarchyArc]
    /// Per node: the cheapest arc to each head (self-loops dropped), as the hierarchy keeps them.
    let out: [[Int: RefCost]]

    init(nodeCount: Int, arcs: [HierarchyArc]) {
        self.nodeCount = nodeCount
        self.arcs = arcs
        var out = [[Int: RefCost]](repeating: [:], count: nodeCount)
        for arc in arcs where arc.from != arc.to {
            let cost = RefCost(arc)
            if let old = out[Int(arc.from)][Int(arc.to)], !(cost < old) { continue }
            out[Int(arc.from)][Int(arc.to)] = cost
        }
        self.out = out
    }

    /// Lexicographically cheapest costs from `source` to every node (nil: unreachable).
    func dijkstra(from source: Int) -> [RefCost?] { dijkstra(seeds: [(source, .zero)]) }

    /// The cheapest non-empty closed walk through `node`, if any.
    func shortestCycle(through node: Int) -> RefCost? { dijkstra(seeds: out[node].map { ($0.key, $0.value) })[node] }

    /// Cheapest costs from several start nodes with initial costs.
    func dijkstra(seeds: [(Int, RefCost)]) -> [RefCost?] {
        var best = [RefCost?](repeating: nil, count: nodeCount)
        var done = [Bool](repeating: false, count: nodeCount)
        var heap: [(RefCost, Int)] = []
        for (node, cost) in seeds where best[node] == nil || cost < best[node]! {
            best[node] = cost
            push(&heap, (cost, node))
        }
        while !heap.isEmpty {
            let (cost, node) = popMin(&heap)
            if done[node] { continue }
            done[node] = true
            for (head, arc) in out[node] {
                let next = cost + arc
                if let old = best[head], !(next < old) { continue }
                best[head] = next
                push(&heap, (next, head))
            }
        }
        return best
    }

    /// The cost of a node sequence along the cheapest arcs, or nil when some step is not an arc.
    func cost(of nodes: [UInt32]) -> RefCost? {
        var total = RefCost.zero
        for (from, to) in zip(nodes, nodes.dropFirst()) {
            guard let arc = out[Int(from)][Int(to)] else { return nil }
            total = total + arc
        }
        return total
    }

    private func push(_ heap: inout [(RefCost, Int)], _ item: (RefCost, Int)) {
        heap.append(item)
        var index = heap.count - 1
        while index > 0 {
            let parent = (index - 1) / 2
            guard heap[index].0 < heap[parent].0 else { break }
            heap.swapAt(index, parent)
            index = parent
        }
    }

    private func popMin(_ heap: inout [(RefCost, Int)]) -> (RefCost, Int) {
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var index = 0
            while true {
                let left = 2 * index + 1, right = left + 1
                var smallest = index
                if left < heap.count, heap[left].0 < heap[smallest].0 { smallest = left }
                if right < heap.count, heap[right].0 < heap[smallest].0 { smallest = right }
                if smallest == index { break }
                heap.swapAt(index, smallest)
                index = smallest
            }
        }
        return top
    }
}

/// Seeded test graphs.
enum HierarchyGraphs {
    /// A random sparse directed graph with parallel arcs, self-loops and zero weights.
    static func randomSparse(nodes: Int, arcsPerNode: Int, seed: UInt64) -> (Int, [HierarchyArc]) {
        var random = HierarchyRandom(seed: seed)
        var arcs: [HierarchyArc] = []
        for _ in 0..<(nodes * arcsPerNode) {
            let from = UInt32(random.int(0...nodes - 1))
            // Mostly local arcs (like roads), some long ones.
            let to =
                random.chance(0.8)
                ? UInt32((Int(from) + random.int(-12...12) + nodes) % nodes)
                : UInt32(random.int(0...nodes - 1))
            let weight = random.chance(0.1) ? 0 : UInt32(random.int(1...60))
            arcs.append(
                HierarchyArc(
                    from: from, to: to, weight: weight, duration: UInt32(random.int(0...90)), distance: UInt32(random.int(0...500))
                ))
        }
        // Parallel arcs with equal weights (the duration decides) and self-loops.
        for _ in 0..<(nodes / 4) {
            var arc = arcs[random.int(0...arcs.count - 1)]
            arc.duration = UInt32(random.int(0...90))
            arc.distance = UInt32(random.int(0...500))
            arcs.append(arc)
            let node = UInt32(random.int(0...nodes - 1))
            arcs.append(HierarchyArc(from: node, to: node, weight: 1, duration: 1, distance: 1))
        }
        return (nodes, arcs)
    }

    /// A width x height grid: two-way streets, one-ways, missing streets, zero-weight arcs and a faster
    /// arterial every few rows and columns; weights from a small range, so equal weights are common.
    static func grid(width: Int, height: Int, seed: UInt64) -> (Int, [HierarchyArc]) {
        var random = HierarchyRandom(seed: seed)
        var arcs: [HierarchyArc] = []
        func id(_ x: Int, _ y: Int) -> UInt32 { UInt32(y * width + x) }
        func street(_ a: UInt32, _ b: UInt32, arterial: Bool) {
            guard !random.chance(0.08) else { return }
            let base = arterial ? random.int(1...4) : random.int(3...12)
            let length = UInt32(random.int(50...120))
            let oneWay = random.chance(0.2)
            let reversed = oneWay && random.chance(0.5)
            for (from, to) in reversed ? [(b, a)] : oneWay ? [(a, b)] : [(a, b), (b, a)] {
                let weight = random.chance(0.05) ? 0 : UInt32(base + random.int(0...2))
                arcs.append(HierarchyArc(from: from, to: to, weight: weight, duration: weight * 10 + UInt32(random.int(0...3)), distance: length))
            }
        }
        for y in 0..<height {
            for x in 0..<width {
                if x + 1 < width { street(id(x, y), id(x + 1, y), arterial: y % 5 == 0) }
                if y + 1 < height { street(id(x, y), id(x, y + 1), arterial: x % 5 == 0) }
            }
        }
        return (width * height, arcs)
    }

    /// An edge-based graph of a grid: a node per directed street, an arc per allowed turn (no u-turns
    /// except at dead ends), with turn costs; the shape the engine contracts.
    static func edgeBasedGrid(width: Int, height: Int, seed: UInt64) -> (Int, [HierarchyArc]) {
        var random = HierarchyRandom(seed: seed)
        // Directed streets between intersections.
        var streets: [(from: Int, to: Int, weight: UInt32, length: UInt32)] = []
        for y in 0..<height {
            for x in 0..<width {
                let here = y * width + x
                for (dx, dy) in [(1, 0), (0, 1)] where x + dx < width && y + dy < height {
                    guard !random.chance(0.06) else { continue }
                    let there = (y + dy) * width + x + dx
                    let length = UInt32(random.int(40...150))
                    let arterial = (dy == 0 ? y : x) % 6 == 0
                    let weight = length / (arterial ? 12 : 5) + 1
                    let oneWay = random.chance(0.15)
                    let forwardOnly = oneWay && random.chance(0.5)
                    if !oneWay || forwardOnly { streets.append((here, there, weight, length)) }
                    if !oneWay || !forwardOnly { streets.append((there, here, weight, length)) }
                }
            }
        }
        var leaving = [[Int]](repeating: [], count: width * height)
        for (index, street) in streets.enumerated() { leaving[street.from].append(index) }
        var arcs: [HierarchyArc] = []
        for (index, street) in streets.enumerated() {
            let onward = leaving[street.to]
            let deadEnd = !onward.contains { streets[$0].to != street.from }
            for next in onward where deadEnd || streets[next].to != street.from {
                let turn = UInt32(random.int(0...3))
                arcs.append(
                    HierarchyArc(
                        from: UInt32(index), to: UInt32(next), weight: street.weight + turn, duration: street.weight + turn / 2,
                        distance: street.length
                    ))
            }
        }
        return (streets.count, arcs)
    }
}
