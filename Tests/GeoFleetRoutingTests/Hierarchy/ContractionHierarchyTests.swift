import Testing
@testable import GeoFleetRouting

/// The contraction hierarchy against a plain Dijkstra on the input graph: point routes, endpoint offsets,
/// matrices, serialization.
@Suite struct ContractionHierarchyTests {
    struct Scenario: Sendable, CustomStringConvertible {
        var name: String
        var settleLimit: Int? = nil
        var make: @Sendable () -> (Int, [HierarchyArc])
        var description: String { name }

        var options: ContractionOptions {
            var options = ContractionOptions()
            if let settleLimit {
                options.witnessSettleLimit = settleLimit
                options.simulationSettleLimit = settleLimit
            }
            return options
        }
    }

    static let scenarios: [Scenario] = [
        Scenario(name: "sparse random") { HierarchyGraphs.randomSparse(nodes: 400, arcsPerNode: 3, seed: 1) },
        Scenario(name: "denser random") { HierarchyGraphs.randomSparse(nodes: 150, arcsPerNode: 6, seed: 2) },
        Scenario(name: "grid with one-ways and zeros") { HierarchyGraphs.grid(width: 24, height: 20, seed: 3) },
        Scenario(name: "edge-based grid") { HierarchyGraphs.edgeBasedGrid(width: 11, height: 10, seed: 4) },
        // Witness searches that give up at once: many needless shortcuts, answers must not change.
        Scenario(name: "grid, witness limit 1", settleLimit: 1) { HierarchyGraphs.grid(width: 14, height: 12, seed: 5) },
    ]

    static func endpoint(_ node: Int, _ weight: Int64 = 0, _ duration: Int64 = 0, _ distance: Int64 = 0) -> SearchEndpoint {
        SearchEndpoint(node: UInt32(node), weight: weight, duration: duration, distance: distance)
    }

    // MARK: Point routes

    @Test(arguments: scenarios)
    func routesEqualDijkstra(_ scenario: Scenario) {
        let (nodeCount, arcs) = scenario.make()
        let reference = ReferenceGraph(nodeCount: nodeCount, arcs: arcs)
        let graph = ContractedGraph.build(nodeCount: nodeCount, arcs: arcs, options: scenario.options)
        let query = HierarchyQuery(graph: graph)
        var random = HierarchyRandom(seed: 17)
        var failures: [String] = []
        var reachable = 0, unreachable = 0
        for _ in 0..<50 {
            let source = random.int(0...nodeCount - 1)
            let costs = reference.dijkstra(from: source)
            for attempt in 0..<8 {
                let target = attempt == 0 ? source : random.int(0...nodeCount - 1)
                let path = query.route(from: [Self.endpoint(source)], to: [Self.endpoint(target)], unpack: true)
                guard let expected = costs[target] else {
                    unreachable += 1
                    if path != nil { failures.append("\(source)->\(target): found a path to an unreachable node") }
                    continue
                }
                reachable += 1
                guard let path else {
                    failures.append("\(source)->\(target): no path, expected \(expected)")
                    continue
                }
                if RefCost(path) != expected { failures.append("\(source)->\(target): \(RefCost(path)), expected \(expected)") }
                if path.nodes.first != UInt32(source) || path.nodes.last != UInt32(target) {
                    failures.append("\(source)->\(target): nodes run \(path.nodes.first ?? 0)...\(path.nodes.last ?? 0)")
                }
                if reference.cost(of: path.nodes) != expected {
                    failures.append("\(source)->\(target): unpacked nodes cost \(String(describing: reference.cost(of: path.nodes)))")
                }
                if path.sourceIndex != 0 || path.targetIndex != 0 { failures.append("\(source)->\(target): endpoint indices") }
                // Without unpacking: the same totals, no nodes.
                let bare = query.route(from: [Self.endpoint(source)], to: [Self.endpoint(target)], unpack: false)
                if bare.map(RefCost.init) != expected || bare?.nodes.isEmpty != true {
                    failures.append("\(source)->\(target): without unpacking \(String(describing: bare.map(RefCost.init)))")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures: \(failures.prefix(5))")
        #expect(reachable >= 150, "too few reachable pairs exercised: \(reachable)")
        #expect(graph.nodeCount == nodeCount)
        #expect(graph.arcCount >= Set(arcs.filter { $0.from != $0.to }.map { [$0.from, $0.to] }).count)
        _ = unreachable
    }

    @Test func unreachableAndTrivialRoutes() {
        // 0 -> 1 -> 2, 3 isolated, 4 -> 3.
        let arcs = [
            HierarchyArc(from: 0, to: 1, weight: 5, duration: 50, distance: 100),
            HierarchyArc(from: 1, to: 2, weight: 0, duration: 7, distance: 30),
            HierarchyArc(from: 4, to: 3, weight: 2, duration: 20, distance: 40),
        ]
        let graph = ContractedGraph.build(nodeCount: 6, arcs: arcs)
        let query = HierarchyQuery(graph: graph)
        #expect(query.route(from: [Self.endpoint(2)], to: [Self.endpoint(0)], unpack: true) == nil)
        #expect(query.route(from: [Self.endpoint(0)], to: [Self.endpoint(3)], unpack: true) == nil)
        #expect(query.route(from: [Self.endpoint(5)], to: [Self.endpoint(0)], unpack: true) == nil)
        #expect(query.route(from: [], to: [Self.endpoint(0)], unpack: true) == nil)
        #expect(query.route(from: [Self.endpoint(0)], to: [], unpack: true) == nil)
        let same = query.route(from: [Self.endpoint(5)], to: [Self.endpoint(5)], unpack: true)
        #expect(same.map(RefCost.init) == .zero)
        #expect(same?.nodes == [5])
        let path = query.route(from: [Self.endpoint(0)], to: [Self.endpoint(2)], unpack: true)
        #expect(path.map(RefCost.init) == RefCost(weight: 5, duration: 57, distance: 130))
        #expect(path?.nodes == [0, 1, 2])
    }

    @Test func parallelArcsKeepTheLightestAndSelfLoopsAreDropped() {
        let arcs = [
            HierarchyArc(from: 0, to: 1, weight: 9, duration: 1, distance: 1),
            HierarchyArc(from: 0, to: 1, weight: 4, duration: 80, distance: 5),
            HierarchyArc(from: 0, to: 1, weight: 4, duration: 60, distance: 9), // same weight, shorter: wins
            HierarchyArc(from: 0, to: 1, weight: 4, duration: 60, distance: 12),
            HierarchyArc(from: 1, to: 1, weight: 0, duration: 0, distance: 0),
            HierarchyArc(from: 1, to: 2, weight: 3, duration: 30, distance: 3),
        ]
        let graph = ContractedGraph.build(nodeCount: 3, arcs: arcs)
        let path = HierarchyQuery(graph: graph).route(from: [Self.endpoint(0)], to: [Self.endpoint(2)], unpack: true)
        #expect(path.map(RefCost.init) == RefCost(weight: 7, duration: 90, distance: 12))
        #expect(path?.nodes == [0, 1, 2])
        #expect(graph.arcCount == 2)
    }

    @Test func equalWeightsAreBrokenByDurationThenDistance() {
        // Two routes of weight 10 from 0 to 3: via 1 (duration 100) and via 2 (duration 90); then a tie in
        // weight and duration from 3 to 6, via 4 (distance 50) and via 5 (distance 40).
        let arcs = [
            HierarchyArc(from: 0, to: 1, weight: 5, duration: 50, distance: 10),
            HierarchyArc(from: 1, to: 3, weight: 5, duration: 50, distance: 10),
            HierarchyArc(from: 0, to: 2, weight: 5, duration: 45, distance: 10),
            HierarchyArc(from: 2, to: 3, weight: 5, duration: 45, distance: 30),
            HierarchyArc(from: 3, to: 4, weight: 1, duration: 1, distance: 25),
            HierarchyArc(from: 4, to: 6, weight: 1, duration: 1, distance: 25),
            HierarchyArc(from: 3, to: 5, weight: 1, duration: 1, distance: 20),
            HierarchyArc(from: 5, to: 6, weight: 1, duration: 1, distance: 20),
        ]
        let graph = ContractedGraph.build(nodeCount: 7, arcs: arcs)
        let path = HierarchyQuery(graph: graph).route(from: [Self.endpoint(0)], to: [Self.endpoint(6)], unpack: true)
        #expect(path.map(RefCost.init) == RefCost(weight: 12, duration: 92, distance: 80))
        #expect(path?.nodes == [0, 2, 3, 5, 6])
        let row = graph.matrix(sources: [[Self.endpoint(0)]], targets: [[Self.endpoint(6)]])
        #expect(row.weights == [12] && row.durations == [92] && row.distances == [80])
    }

    // MARK: Endpoints with offsets

    @Test(arguments: scenarios.prefix(4))
    func endpointsEqualBestCombination(_ scenario: Scenario) {
        let (nodeCount, arcs) = scenario.make()
        let reference = ReferenceGraph(nodeCount: nodeCount, arcs: arcs)
        let graph = ContractedGraph.build(nodeCount: nodeCount, arcs: arcs, options: scenario.options)
        let query = HierarchyQuery(graph: graph)
        var minOut = [Int64](repeating: 0, count: nodeCount), minIn = minOut
        for node in 0..<nodeCount { minOut[node] = reference.out[node].values.map(\.weight).min() ?? 0 }
        var incoming = [Int64](repeating: .max, count: nodeCount)
        for (from, heads) in reference.out.enumerated() {
            for (head, arc) in heads where head != from { incoming[head] = min(incoming[head], arc.weight) }
        }
        for node in 0..<nodeCount { minIn[node] = incoming[node] == .max ? 0 : incoming[node] }

        var random = HierarchyRandom(seed: 23)
        var cache: [Int: [RefCost?]] = [:]
        func costs(from node: Int) -> [RefCost?] {
            if let known = cache[node] { return known }
            let computed = reference.dijkstra(from: node)
            cache[node] = computed
            return computed
        }
        var failures: [String] = []
        var exact = 0, withNegative = 0, found = 0
        for _ in 0..<250 {
            // Sources start part-way along (negative, at most the node's cheapest way out) or before it; targets
            // end part-way (positive) or a little before (negative, at most the cheapest way in).
            let sourceNodes = (0..<random.int(1...2)).map { _ in random.int(0...nodeCount - 1) }
            var targetNodes = (0..<random.int(1...2)).map { _ in random.int(0...nodeCount - 1) }
            if random.chance(0.4) { targetNodes[0] = sourceNodes[0] }
            let sources = sourceNodes.map { node in
                Self.endpoint(node, Int64(random.int(-Int(minOut[node])...20)), Int64(random.int(-30...30)), Int64(random.int(-40...40)))
            }
            let targets = targetNodes.map { node in
                Self.endpoint(node, Int64(random.int(-Int(minIn[node]) / 2...20)), Int64(random.int(-30...30)), Int64(random.int(-40...40)))
            }
            var best: RefCost?
            var negative = false
            // The cheapest a walk with a non-negative total can be when the only negative combinations are a
            // target behind a source on the same node (then a walk must leave the node and come back).
            var lowerBound: RefCost? = nil
            var onlySameNodeNegatives = true
            var combination: [String: RefCost] = [:]
            for (i, source) in sources.enumerated() {
                let row = costs(from: Int(source.node))
                for (j, target) in targets.enumerated() {
                    guard let path = row[Int(target.node)] else { continue }
                    let total = RefCost(source) + path + RefCost(target)
                    combination["\(i),\(j)"] = total
                    if total.weight < 0 {
                        negative = true
                        if source.node == target.node, let cycle = reference.shortestCycle(through: Int(source.node)) {
                            let loop = RefCost(source) + cycle + RefCost(target)
                            if lowerBound == nil || loop < lowerBound! { lowerBound = loop }
                        } else if source.node != target.node {
                            onlySameNodeNegatives = false
                        }
                        continue
                    }
                    if best == nil || total < best! { best = total }
                    if lowerBound == nil || total < lowerBound! { lowerBound = total }
                }
            }
            let path = query.route(from: sources, to: targets, unpack: true)
            let label = "\(sources.map { ($0.node, $0.weight) }) -> \(targets.map { ($0.node, $0.weight) })"
            if let path {
                found += 1
                // Whatever the case, the answer is a real walk between the chosen endpoints, priced correctly.
                let walk = reference.cost(of: path.nodes)
                let chosenSource = sources[path.sourceIndex], chosenTarget = targets[path.targetIndex]
                if path.nodes.first != chosenSource.node || path.nodes.last != chosenTarget.node || walk == nil
                    || RefCost(chosenSource) + walk! + RefCost(chosenTarget) != RefCost(path)
                {
                    failures.append("\(label): path does not add up")
                }
                if path.weight < 0 { failures.append("\(label): negative total \(path.weight)") }
            }
            if negative {
                // A target behind a source on the same node: that meeting is ignored; the answer may be nil, a
                // longer combination or a loop back to the node (a real walk, checked above), never cheaper
                // than the cheapest valid combination or loop.
                withNegative += 1
                if onlySameNodeNegatives, let path {
                    if let lowerBound, RefCost(path) < lowerBound {
                        failures.append("\(label): \(RefCost(path)) beats every valid walk (\(lowerBound))")
                    } else if lowerBound == nil {
                        failures.append("\(label): found a walk where none has a non-negative total")
                    }
                }
                continue
            }
            exact += 1
            if path.map(RefCost.init) != best {
                failures.append("\(label): \(String(describing: path.map(RefCost.init))), expected \(String(describing: best))")
            } else if let path, combination["\(path.sourceIndex),\(path.targetIndex)"] != best {
                failures.append("\(label): indices \(path.sourceIndex),\(path.targetIndex) do not name the best combination")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures: \(failures.prefix(5))")
        #expect(exact >= 150 && found >= 100, "exercised \(exact) exact cases, \(found) found")
        #expect(withNegative >= 3, "exercised \(withNegative) cases with a negative combination")
    }

    /// Offsets far larger than arc weights, of opposite signs on the two sides (every total stays
    /// non-negative): each search must run on until its cheapest label plus the other side's cheapest
    /// offset reaches the best total, not just its own label.
    @Test(arguments: [scenarios[0], scenarios[3]])
    func largeOffsetsOfEitherSign(_ scenario: Scenario) {
        let (nodeCount, arcs) = scenario.make()
        let reference = ReferenceGraph(nodeCount: nodeCount, arcs: arcs)
        let graph = ContractedGraph.build(nodeCount: nodeCount, arcs: arcs, options: scenario.options)
        let query = HierarchyQuery(graph: graph)
        var random = HierarchyRandom(seed: 29)
        var failures: [String] = []
        var found = 0
        var cache: [UInt32: [RefCost?]] = [:]
        let nodes = (0..<40).map { _ in random.int(0...nodeCount - 1) }
        for round in 0..<160 {
            let negativeSources = round % 2 == 0
            func offsets(negative: Bool) -> Int64 {
                Int64(negative ? random.int(-1000...(-300)) : random.int(1000...1400))
            }
            let sources = (0..<random.int(1...2)).map { _ in
                Self.endpoint(nodes[random.int(0...nodes.count - 1)], offsets(negative: negativeSources), Int64(random.int(-50...50)), 0)
            }
            let targets = (0..<random.int(1...2)).map { _ in
                Self.endpoint(random.int(0...nodeCount - 1), offsets(negative: !negativeSources), Int64(random.int(-50...50)), 0)
            }
            var best: RefCost?
            for source in sources {
                let row = cache[source.node] ?? reference.dijkstra(from: Int(source.node))
                cache[source.node] = row
                for target in targets {
                    guard let path = row[Int(target.node)] else { continue }
                    let total = RefCost(source) + path + RefCost(target)
                    if best == nil || total < best! { best = total }
                }
            }
            let path = query.route(from: sources, to: targets, unpack: false)
            if path != nil { found += 1 }
            if path.map(RefCost.init) != best {
                failures.append(
                    "\(sources.map { ($0.node, $0.weight) }) -> \(targets.map { ($0.node, $0.weight) }): \(String(describing: path.map(RefCost.init))), expected \(String(describing: best))"
                )
            }
            let cell = graph.matrix(sources: [sources], targets: [targets])
            if (cell.weights[0] == .max ? nil : cell.weights[0]) != best?.weight {
                failures.append("matrix \(cell.weights[0]), expected \(String(describing: best))")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures: \(failures.prefix(5))")
        #expect(found >= 100)
    }

    @Test func negativeTotalsAreIgnored() {
        // A line 0 -> 1 -> 2 -> 3, weight 10 per arc.
        let arcs = (0..<3).map { HierarchyArc(from: UInt32($0), to: UInt32($0 + 1), weight: 10, duration: 100, distance: 50) }
        let graph = ContractedGraph.build(nodeCount: 4, arcs: arcs)
        let query = HierarchyQuery(graph: graph)
        // Target 2 behind the source on node 1: nothing else reaches it.
        #expect(query.route(from: [Self.endpoint(1, -6, -60, -30)], to: [Self.endpoint(1, 2, 20, 10)], unpack: true) == nil)
        // ... but a second target further on does.
        let onward = query.route(
            from: [Self.endpoint(1, -6, -60, -30)], to: [Self.endpoint(1, 2, 20, 10), Self.endpoint(2, 3, 30, 15)], unpack: true
        )
        #expect(onward.map(RefCost.init) == RefCost(weight: 7, duration: 70, distance: 35))
        #expect(onward?.targetIndex == 1)
        #expect(onward?.nodes == [1, 2])
        // Two sources: the one on the target's node ahead of it wins (total 2), over coming from node 0 (14).
        let two = query.route(
            from: [Self.endpoint(0, -4, -40, -20), Self.endpoint(1, -6, -60, -30)], to: [Self.endpoint(1, 8, 80, 40)], unpack: true
        )
        #expect(two.map(RefCost.init) == RefCost(weight: 2, duration: 20, distance: 10))
        #expect(two?.sourceIndex == 1)
        #expect(two?.nodes == [1])
        // A total of exactly zero counts.
        let zero = query.route(from: [Self.endpoint(1, -6, 0, 0)], to: [Self.endpoint(1, 6, 0, 0)], unpack: false)
        #expect(zero.map(RefCost.init) == .zero)
        // The matrix ignores the same meetings.
        let matrix = graph.matrix(
            sources: [[Self.endpoint(1, -6, -60, -30)], [Self.endpoint(0, -4, -40, -20), Self.endpoint(1, -6, -60, -30)]],
            targets: [[Self.endpoint(1, 2, 20, 10)], [Self.endpoint(1, 8, 80, 40)]]
        )
        #expect(matrix.weights == [.max, 2, .max, 2])
        #expect(matrix.durations == [.max, 20, .max, 20])
    }

    // MARK: Matrix

    @Test(arguments: [scenarios[0], scenarios[2], scenarios[3]])
    func matrixEqualsPointQueries(_ scenario: Scenario) {
        let (nodeCount, arcs) = scenario.make()
        let reference = ReferenceGraph(nodeCount: nodeCount, arcs: arcs)
        let graph = ContractedGraph.build(nodeCount: nodeCount, arcs: arcs, options: scenario.options)
        let query = HierarchyQuery(graph: graph)
        var random = HierarchyRandom(seed: 31)
        func list() -> [SearchEndpoint] {
            // Offsets that make every combination non-negative: sources start at most their cheapest way out
            // behind, targets end ahead.
            (0..<random.int(1...2)).map { _ in
                let node = random.int(0...nodeCount - 1)
                let cheapestOut = reference.out[node].values.map(\.weight).min() ?? 0
                return Self.endpoint(node, -Int64(random.int(0...Int(cheapestOut))), Int64(random.int(-9...9)), Int64(random.int(-9...9)))
            }
        }
        var sources = (0..<24).map { _ in list() }
        var targets = (0..<19).map { _ in list() }
        sources.append(sources[3]) // a duplicate row
        targets.append(targets[5]) // a duplicate column
        sources.append([]) // an empty row
        targets.append([]) // an empty column
        // A source equal to a target: same node, non-negative offsets (the negative case is the engine's).
        sources.append([Self.endpoint(Int(targets[2][0].node), 0, 0, 0)])
        targets.append([Self.endpoint(Int(sources[7][0].node), 4, 3, 2)])
        // Targets end at least their node's cheapest way out ahead: then even a source on the same node
        // (at most that far behind) has a non-negative total.
        for index in 0..<targets.count {
            targets[index] = targets[index].map { target in
                var target = target
                target.weight = abs(target.weight) + (reference.out[Int(target.node)].values.map(\.weight).min() ?? 0)
                return target
            }
        }

        let matrix = graph.matrix(sources: sources, targets: targets)
        #expect(matrix.rows == sources.count && matrix.columns == targets.count)
        #expect(matrix.weights.count == sources.count * targets.count)
        var failures: [String] = []
        var reachable = 0
        for row in 0..<sources.count {
            for column in 0..<targets.count {
                let cell = row * targets.count + column
                let point = query.route(from: sources[row], to: targets[column], unpack: false)
                let got =
                    matrix.weights[cell] == .max
                    ? nil : RefCost(weight: matrix.weights[cell], duration: matrix.durations[cell], distance: matrix.distances[cell])
                if got != nil { reachable += 1 }
                if got == nil, matrix.durations[cell] != .max || matrix.distances[cell] != .max {
                    failures.append("\(row),\(column): unreachable weight with a duration or distance")
                }
                if got != point.map(RefCost.init) {
                    failures.append("\(row),\(column): matrix \(String(describing: got)), point \(String(describing: point.map(RefCost.init)))")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures: \(failures.prefix(5))")
        #expect(reachable >= sources.count * targets.count / 3, "only \(reachable) reachable cells")
        // The empty row and column are unreachable throughout.
        let emptyRow = sources.count - 2, emptyColumn = targets.count - 2
        #expect((0..<targets.count).allSatisfy { matrix.weights[emptyRow * targets.count + $0] == .max })
        #expect((0..<sources.count).allSatisfy { matrix.weights[$0 * targets.count + emptyColumn] == .max })
    }

    @Test func emptyMatrices() {
        let graph = ContractedGraph.build(nodeCount: 3, arcs: [HierarchyArc(from: 0, to: 1, weight: 1, duration: 1, distance: 1)])
        let none = graph.matrix(sources: [], targets: [[Self.endpoint(1)]])
        #expect(none.rows == 0 && none.columns == 1 && none.weights.isEmpty)
        let one = graph.matrix(sources: [[Self.endpoint(0)], [Self.endpoint(2)]], targets: [[Self.endpoint(1)]])
        #expect(one.weights == [1, .max])
        let emptyGraph = ContractedGraph.build(nodeCount: 0, arcs: [])
        #expect(emptyGraph.nodeCount == 0 && emptyGraph.arcCount == 0)
        #expect(emptyGraph.matrix(sources: [[]], targets: [[]]).weights == [.max])
    }

    // MARK: Build

    @Test func buildIsDeterministicAndReportsProgress() {
        let (nodeCount, arcs) = HierarchyGraphs.grid(width: 20, height: 15, seed: 41)
        var reports: [ContractionProgress] = []
        let first = ContractedGraph.build(nodeCount: nodeCount, arcs: arcs) { reports.append($0) }
        let second = ContractedGraph.build(nodeCount: nodeCount, arcs: arcs)
        #expect(first.serialized() == second.serialized())
        #expect(!reports.isEmpty)
        #expect(reports.last?.contracted == nodeCount && reports.last?.total == nodeCount)
        #expect(reports.last?.shortcuts == first.shortcutCount)
        #expect(zip(reports, reports.dropFirst()).allSatisfy { $0.contracted < $1.contracted && $0.shortcuts <= $1.shortcuts })
        #expect(first.shortcutCount > 0 && first.memoryBytes > 0)
    }

    // MARK: Serialization

    @Test func serializationRoundTripGivesIdenticalAnswers() throws {
        let (nodeCount, arcs) = HierarchyGraphs.edgeBasedGrid(width: 9, height: 8, seed: 51)
        let graph = ContractedGraph.build(nodeCount: nodeCount, arcs: arcs)
        let bytes = graph.serialized()
        let loaded = try ContractedGraph(serialized: bytes)
        #expect(loaded.serialized() == bytes)
        #expect(loaded.nodeCount == graph.nodeCount && loaded.arcCount == graph.arcCount && loaded.shortcutCount == graph.shortcutCount)
        let original = HierarchyQuery(graph: graph), copy = HierarchyQuery(graph: loaded)
        var random = HierarchyRandom(seed: 52)
        var compared = 0
        for _ in 0..<200 {
            let source = [Self.endpoint(random.int(0...nodeCount - 1))]
            let target = [Self.endpoint(random.int(0...nodeCount - 1), Int64(random.int(0...5)))]
            let a = original.route(from: source, to: target, unpack: true)
            let b = copy.route(from: source, to: target, unpack: true)
            #expect(a.map(RefCost.init) == b.map(RefCost.init) && a?.nodes == b?.nodes)
            if a != nil { compared += 1 }
        }
        #expect(compared > 100)
        let endpoints = (0..<12).map { _ in [Self.endpoint(random.int(0...nodeCount - 1))] }
        let m1 = graph.matrix(sources: endpoints, targets: endpoints), m2 = loaded.matrix(sources: endpoints, targets: endpoints)
        #expect(m1.weights == m2.weights && m1.durations == m2.durations && m1.distances == m2.distances)
        // An empty graph round-trips too.
        let empty = ContractedGraph.build(nodeCount: 0, arcs: [])
        #expect(try ContractedGraph(serialized: empty.serialized()).nodeCount == 0)
    }

    @Test func damagedBytesThrow() {
        let (nodeCount, arcs) = HierarchyGraphs.grid(width: 8, height: 8, seed: 61)
        let bytes = ContractedGraph.build(nodeCount: nodeCount, arcs: arcs).serialized()
        func error(_ damaged: [UInt8]) -> HierarchyError? {
            do {
                _ = try ContractedGraph(serialized: damaged)
                return nil
            } catch let error as HierarchyError {
                return error
            } catch {
                return nil
            }
        }
        #expect(error([]) == .truncated(expected: ContractedGraph.headerSize, actual: 0))
        #expect(error(Array(bytes.prefix(20))) == .truncated(expected: ContractedGraph.headerSize, actual: 20))
        #expect(error(Array(bytes.dropLast())) == .truncated(expected: bytes.count, actual: bytes.count - 1))
        #expect(error(Array(bytes.prefix(bytes.count / 2))) == .truncated(expected: bytes.count, actual: bytes.count / 2))
        #expect(error(bytes + [0]) == .inconsistent("1 trailing bytes"))
        var magic = bytes
        magic[0] ^= 0xFF
        #expect(error(magic) == .notAHierarchy)
        var version = bytes
        version[4] = 9
        #expect(error(version) == .unsupportedVersion(9))
        var count = bytes
        count[8] &+= 1 // one node more: the sizes no longer match
        #expect(error(count).map { if case .truncated = $0 { true } else { false } } == true)
        // Any flipped payload byte is caught by the checksum.
        var random = HierarchyRandom(seed: 62)
        for _ in 0..<50 {
            var flipped = bytes
            let position = random.int(ContractedGraph.headerSize...bytes.count - 1)
            flipped[position] ^= UInt8(1 << random.int(0...7))
            #expect(error(flipped) == .checksumMismatch)
        }
        var checksum = bytes
        checksum[44] ^= 0x10
        #expect(error(checksum) == .checksumMismatch)
    }

    @Test func structurallyInvalidPayloadsAreRejected() throws {
        // A valid checksum over arrays that are not a hierarchy: rebuild the bytes with a fresh checksum.
        let graph = ContractedGraph.build(
            nodeCount: 3,
            arcs: [
                HierarchyArc(from: 0, to: 1, weight: 1, duration: 1, distance: 1),
                HierarchyArc(from: 1, to: 2, weight: 1, duration: 1, distance: 1),
            ])
        let bytes = graph.serialized()
        func resealed(_ edit: (inout [UInt8]) -> Void) -> [UInt8] {
            var copy = bytes
            edit(&copy)
            let checksum = copy.withUnsafeBytes { CHChecksum.compute(UnsafeRawBufferPointer(rebasing: $0[ContractedGraph.headerSize...])) }
            withUnsafeBytes(of: checksum.littleEndian) { for (offset, byte) in $0.enumerated() { copy[40 + offset] = byte } }
            return copy
        }
        #expect(throws: Never.self) { try ContractedGraph(serialized: resealed { _ in }) }
        // Ids that are not a permutation.
        #expect(throws: HierarchyError.inconsistent("ids are not a permutation")) {
            try ContractedGraph(serialized: resealed { $0[ContractedGraph.headerSize] = $0[ContractedGraph.headerSize + 4] })
        }
        // Arc ranges that do not end at the arc count.
        let first = ContractedGraph.headerSize + 4 * 3
        #expect(throws: HierarchyError.inconsistent("arc ranges")) {
            try ContractedGraph(serialized: resealed { $0[first + 4 * 3] &+= 1 })
        }
        // A split outside its node's range.
        let split = first + 4 * 4
        #expect(throws: HierarchyError.inconsistent("arc ranges")) {
            try ContractedGraph(serialized: resealed { $0[split] = 0xFF })
        }
        // An arc that points down: the first arc's head becomes 0.
        let arcs = split + 4 * 3
        #expect(throws: HierarchyError.inconsistent("arc not upward")) {
            try ContractedGraph(serialized: resealed { for offset in 0..<4 { $0[arcs + offset] = 0 } })
        }
    }
}
