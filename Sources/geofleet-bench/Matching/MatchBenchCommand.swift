import ArgumentParser
import Foundation
import GeoFleetCommandLine
import GeoFleetCore
import GeoFleetHotIndex
import GeoFleetLive
import GeoFleetMatchService
import GeoFleetMatching
import GeoFleetPlatform
import GeoFleetPricingService
import GeoFleetRouteService
import GeoFleetRouting
import Logging

/// `geofleet-bench match`: `match/cargo` (road ETAs for the top candidates) over a big fleet,
/// `match/fleet` for a small one, and `cost-analysis` (best candidate, both legs routed with their
/// composition, itemised costs), with open loads, against anchors measured in the same run on the
/// same points: the bare road matrix of the same candidates and the straight-line nearest search.
struct MatchBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Time match/cargo and match/fleet on a built graph; write JSON (and points for the OSRM anchor).")

    @Option(help: "The extract the graphs were built from, or a graph directory.") var graphs: String
    @Option(help: "Data directory.") var dataDir: String = ProcessInfo.processInfo.environment["GEOFLEET_DATA_DIR"] ?? "./.geofleet"
    @Option(help: "pairs.json from Benchmarks/Routing/osrm_bench.py: road points to place vehicles and loads on.") var points: String
    @Option(help: "Vehicles in all.") var vehicles: Int = 100_000
    @Option(help: "Open loads.") var cargo: Int = 20_000
    @Option(help: "Trucks of the fleet that match/fleet runs for.") var fleet: Int = 200
    @Option(help: "match/cargo queries timed.") var queries: Int = 2000
    @Option(help: "match/fleet runs timed.") var fleetRuns: Int = 30
    @Option(help: "Seed.") var seed: UInt64 = 1
    @Option(help: "Output JSON.") var out: String
    @Option(help: "Write the candidates of each timed match/cargo query here, for the OSRM table anchor.") var anchorPoints: String?
    @Option(help: "Write each timed cost analysis's vehicle, pickup and delivery here, for the OSRM route anchor.") var costAnchorPoints: String?

    struct PairsFile: Decodable {
        var pairs: [[Double]]
    }

    func run() async throws {
        let profile = VehicleProfile(vehicleClass: .articulated)
        let graph = try RoutingGraph(contentsOf: graphDirectory(dataDir: dataDir, extract: graphs) + "/\(profile.name).graph")
        let engine = RoutingEngine(graph: graph)
        let routes = RouteService(
            engines: [.articulated: engine], external: nil, cache: RouteCache(capacity: 500_000), logger: Logger(label: "bench"))
        let input = try JSONDecoder().decode(PairsFile.self, from: Data(contentsOf: URL(fileURLWithPath: points)))
        var road: [GeoPoint] = []
        for p in input.pairs {
            road.append(GeoPoint(latitude: p[0], longitude: p[1]))
            road.append(GeoPoint(latitude: p[2], longitude: p[3]))
        }
        var rng = SeededGenerator(seed: seed)
        let now = WallClock.nowMilliseconds()
        let hot = HotPositions()
        let catalog = VehicleCatalog()
        let service = MatchService(catalog: catalog, hot: hot, routes: routes, store: nil, now: { now }, logger: Logger(label: "bench"))

        // Vehicles: a big carrier (everything but the small fleet) and the small fleet, on road points.
        var key: Int64 = 0
        var fleetEntries: [VehicleCatalog.Entry] = []
        for i in 0..<vehicles {
            key += 1
            let owner = i < fleet ? "fleet" : "big"
            let at = road[Int.random(in: 0..<road.count, using: &rng)]
            let entry = VehicleCatalog.Entry(
                key: key, id: UUID(), owner: owner, type: "truck",
                capacityWeightKg: [12_000, 24_000, 24_000, 26_000].randomElement(using: &rng)!,
                capacityVolumeM3: 90, status: "active")
            catalog.insert(entry)
            hot.update(
                HotFix(
                    vehicleKey: key, latitude: at.latitude, longitude: at.longitude,
                    fixTime: now - Int64.random(in: 0...1_800_000, using: &rng), speedKmh: 0, heading: 0, source: .device),
                owner: owner)
            if owner == "fleet" { fleetEntries.append(entry) }
        }
        // Loads: pickups and deliveries on road points, priced at about 1.3 €/km of straight line plus a base.
        var loads: [Cargo] = []
        for i in 0..<cargo {
            let pickup = road[Int.random(in: 0..<road.count, using: &rng)]
            let delivery = road[Int.random(in: 0..<road.count, using: &rng)]
            let km =
                GreatCircle.distanceMeters(lat1: pickup.latitude, lon1: pickup.longitude, lat2: delivery.latitude, lon2: delivery.longitude) / 1000
            let opens = now + Int64.random(in: 0...(24 * 3_600_000), using: &rng)
            let c = Cargo(
                id: "load-\(i)", pickup: pickup, delivery: delivery, weightKg: Double.random(in: 2_000...22_000, using: &rng),
                volumeM3: Double.random(in: 5...80, using: &rng), loadingFrom: opens, loadingTo: opens + 24 * 3_600_000,
                totalPrice: (150 + km * Double.random(in: 1.1...1.6, using: &rng)).rounded(), updatedAt: now)
            loads.append(c)
            service.cargo.upsert(c)
        }
        print("bench: \(vehicles) vehicles (\(fleet) in the small fleet), \(cargo) open loads, graph \(graph.summary.roadVertices) road vertices")

        // Warm-up: legs of the loads the timed queries touch get computed once, as in a running daemon.
        let picks = (0..<queries).map { _ in loads[Int.random(in: 0..<loads.count, using: &rng)] }
        let warmStart = ContinuousClock.now
        for c in picks { _ = await service.vehicles(for: c, user: "big", limit: 50) }
        _ = await service.suggestions(for: fleetEntries, user: "fleet", limitPerVehicle: 5, limit: 100)
        print("bench: warm-up \(String(format: "%.1f", (ContinuousClock.now - warmStart).seconds)) s")

        var cargoMs: [Double] = []
        var matrixMs: [Double] = []
        var nearestMs: [Double] = []
        var anchor: [[String: Any]] = []
        var roadCounted = 0
        for c in picks {
            var start = ContinuousClock.now
            let (candidates, _) = await service.vehicles(for: c, user: "big", limit: 50)
            cargoMs.append((ContinuousClock.now - start).milliseconds)
            roadCounted += candidates.filter { $0.distanceSource == "road" }.count
            // Anchors on the same query: the straight-line nearest 200, and the bare road matrix of the 50 nearest.
            start = ContinuousClock.now
            let near = hot.nearest(owner: "big", latitude: c.pickup.latitude, longitude: c.pickup.longitude, limit: 200, maxDistanceMeters: .infinity)
            nearestMs.append((ContinuousClock.now - start).milliseconds)
            let sources = near.prefix(50).map { GeoPoint(latitude: $0.fix.latitude, longitude: $0.fix.longitude) }
            start = ContinuousClock.now
            _ = engine.matrix(sources: Array(sources), destinations: [c.pickup])
            matrixMs.append((ContinuousClock.now - start).milliseconds)
            if anchorPoints != nil {
                anchor.append(["sources": sources.map { [$0.latitude, $0.longitude] }, "destination": [c.pickup.latitude, c.pickup.longitude]])
            }
        }
        // Cost analyses: the big carrier's best truck for each load, cold (the first analysis of a load) and
        // cached (the same again). The best candidate comes from match/cargo, as the API does it.
        let pricing = CostAnalysisService(
            matching: service, routes: routes, deals: MarketDealStore(client: nil, logger: Logger(label: "bench")), now: { now },
            logger: Logger(label: "bench"))
        var costColdMs: [Double] = []
        var costCachedMs: [Double] = []
        var costAnchor: [[String: Any]] = []
        var costFailures = 0
        var seen: Set<String> = []
        for c in picks where seen.insert(c.id).inserted {
            var start = ContinuousClock.now
            let report: CostAnalysisService.Report
            do {
                report = try await pricing.analyse(cargoID: c.id, user: "big", vehicleID: nil)
            } catch {
                costFailures += 1
                continue
            }
            costColdMs.append((ContinuousClock.now - start).milliseconds)
            start = ContinuousClock.now
            _ = try? await pricing.analyse(cargoID: c.id, user: "big", vehicleID: nil)
            costCachedMs.append((ContinuousClock.now - start).milliseconds)
            if costAnchorPoints != nil, let id = report.vehicleID, let v = service.vehicle(id: id, user: "big"), let at = v.position {
                costAnchor.append([
                    "vehicle": [at.latitude, at.longitude], "pickup": [c.pickup.latitude, c.pickup.longitude],
                    "delivery": [c.delivery.latitude, c.delivery.longitude],
                ])
            }
        }
        var fleetMs: [Double] = []
        var suggestions = 0
        for _ in 0..<fleetRuns {
            let start = ContinuousClock.now
            let found = await service.suggestions(for: fleetEntries, user: "fleet", limitPerVehicle: 5, limit: 1000)
            fleetMs.append((ContinuousClock.now - start).milliseconds)
            suggestions = found.count
        }
        func stats(_ values: [Double]) -> [String: Double] {
            let sorted = values.sorted()
            func p(_ q: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] }
            return ["p50": p(0.5), "p90": p(0.9), "p99": p(0.99), "max": sorted.last ?? 0, "count": Double(sorted.count)]
        }
        let result: [String: Any] = [
            "vehicles": vehicles, "fleet": fleet, "cargo": cargo, "roadVertices": graph.summary.roadVertices,
            "matchCargoMs": stats(cargoMs), "bareMatrix50x1Ms": stats(matrixMs), "straightNearest200Ms": stats(nearestMs),
            "matchFleetMs": stats(fleetMs), "fleetSuggestions": suggestions,
            "costAnalysisColdMs": stats(costColdMs), "costAnalysisCachedMs": stats(costCachedMs), "costAnalysisFailures": costFailures,
            "roadCandidatesPerQuery": Double(roadCounted) / Double(max(1, picks.count)),
            "peakRSSMiB": peakRSSMiB(),
        ]
        try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: out))
        if let anchorPoints {
            try JSONSerialization.data(withJSONObject: anchor).write(to: URL(fileURLWithPath: anchorPoints))
        }
        if let costAnchorPoints {
            try JSONSerialization.data(withJSONObject: costAnchor).write(to: URL(fileURLWithPath: costAnchorPoints))
        }
        let c = stats(cargoMs), m = stats(matrixMs), f = stats(fleetMs)
        print(
            String(
                format: "match/cargo p50 %.2f ms p99 %.2f ms (bare 50x1 matrix p50 %.2f p99 %.2f; %.1f road candidates/query)",
                c["p50"]!, c["p99"]!, m["p50"]!, m["p99"]!, Double(roadCounted) / Double(max(1, picks.count))))
        print(String(format: "match/fleet (%d trucks) p50 %.1f ms p99 %.1f ms, %d suggestions", fleet, f["p50"]!, f["p99"]!, suggestions))
        let cold = stats(costColdMs), cached = stats(costCachedMs)
        print(
            String(
                format: "cost-analysis cold p50 %.2f ms p99 %.2f ms, cached p50 %.3f ms p99 %.3f ms (%d loads, %d without a road answer)",
                cold["p50"]!, cold["p99"]!, cached["p50"]!, cached["p99"]!, costColdMs.count, costFailures))
    }
}

extension Duration {
    var milliseconds: Double { seconds * 1000 }
}
