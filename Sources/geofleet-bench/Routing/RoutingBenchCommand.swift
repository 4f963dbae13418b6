import ArgumentParser
import Foundation
import GeoFleetCommandLine
import GeoFleetCore
import GeoFleetRouting

/// `geofleet-bench routing`: the GeoFleet side of `scripts/bench/routing.sh` (same pairs as OSRM's run).
struct RoutingBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "routing",
        abstract: "Time routes and matrices on a built graph over a pairs file; write JSON for Benchmarks/Routing/compare.py.")

    @Option(help: "The extract the graphs were built from, or a graph directory.") var graphs: String
    @Option(help: "Profile.") var profile: String = "car"
    @Option(help: "pairs.json from Benchmarks/Routing/osrm_bench.py.") var pairs: String
    @Option(help: "Output JSON.") var out: String
    @Option(help: "Data directory.") var dataDir: String = ProcessInfo.processInfo.environment["GEOFLEET_DATA_DIR"] ?? "./.geofleet"
    @Option(help: "Matrix sizes to time.") var matrixSizes: String = "100,1000"

    struct PairsFile: Decodable {
        var pairs: [[Double]]
        var matrixPoints: [[Double]]
    }

    func run() throws {
        guard let selected = VehicleProfile.named(profile) else { throw ValidationError("unknown profile \(profile)") }
        let input = try JSONDecoder().decode(PairsFile.self, from: Data(contentsOf: URL(fileURLWithPath: pairs)))
        let rssBefore = peakRSSMiB()
        let loadStart = ContinuousClock.now
        let graph = try RoutingGraph(contentsOf: graphDirectory(dataDir: dataDir, extract: graphs) + "/\(selected.name).graph")
        let engine = RoutingEngine(graph: graph)
        let loadSeconds = (ContinuousClock.now - loadStart).seconds
        let rssAfterLoad = peakRSSMiB()

        // Warm up the query state and caches, then time every pair once.
        for pair in input.pairs.prefix(200) { _ = try? route(engine, pair) }
        var latencies: [Double] = []
        latencies.reserveCapacity(input.pairs.count)
        var distances: [Double?] = []
        var durations: [Double?] = []
        var failed = 0
        let routesStart = ContinuousClock.now
        for pair in input.pairs {
            let start = ContinuousClock.now
            let result = try? route(engine, pair)
            latencies.append((ContinuousClock.now - start).seconds * 1000)
            if result == nil { failed += 1 }
            distances.append(result?.distanceMeters)
            durations.append(result?.durationSeconds)
        }
        let routesSeconds = (ContinuousClock.now - routesStart).seconds
        latencies.sort()
        func percentile(_ p: Double) -> Double { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }

        var matrixMs: [String: Double] = [:]
        let points = input.matrixPoints.map { GeoPoint(latitude: $0[0], longitude: $0[1]) }
        for size in matrixSizes.split(separator: ",").compactMap({ Int($0) }) where size <= points.count {
            let subset = Array(points.prefix(size))
            var best = Double.infinity
            for _ in 0..<(size <= 100 ? 3 : 1) {
                let start = ContinuousClock.now
                _ = engine.matrix(sources: subset, destinations: subset)
                best = min(best, (ContinuousClock.now - start).seconds * 1000)
            }
            matrixMs[String(size)] = best
            print("matrix \(size)x\(size): \(String(format: "%.1f", best)) ms")
        }
        let summary: [String: Any] = [
            "nodes": graph.summary.directedNodes, "edges": graph.summary.edges, "shortcuts": graph.summary.shortcuts,
            "turns": graph.summary.turns, "graphMemoryMB": Double(graph.memoryBytes) / 1_048_576, "loadSeconds": loadSeconds,
            "routes": [
                "count": input.pairs.count, "failed": failed, "p50Ms": percentile(0.5), "p99Ms": percentile(0.99),
                "perSecond": routesSeconds > 0 ? Double(input.pairs.count) / routesSeconds : 0,
            ] as [String: Any],
            "distances": distances.map { $0 as Any? ?? NSNull() },
            "durations": durations.map { $0 as Any? ?? NSNull() },
            "matrixMs": matrixMs,
            "rssMB": ["before": rssBefore, "afterLoad": rssAfterLoad, "afterQueries": peakRSSMiB()],
        ]
        try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys]).write(to: URL(fileURLWithPath: out))
        print(
            String(
                format: "routes: %d (%d failed), p50 %.3f ms, p99 %.3f ms, %.0f routes/s; peak RSS %.0f MiB",
                input.pairs.count, failed, percentile(0.5), percentile(0.99),
                routesSeconds > 0 ? Double(input.pairs.count) / routesSeconds : 0, peakRSSMiB()))
    }

    private func route(_ engine: RoutingEngine, _ pair: [Double]) throws -> RoadRoute {
        guard pair.count == 4 else { throw ValidationError("a pair is [lat1, lon1, lat2, lon2]") }
        return try engine.route(from: GeoPoint(latitude: pair[0], longitude: pair[1]), to: GeoPoint(latitude: pair[2], longitude: pair[3]))
    }
}
