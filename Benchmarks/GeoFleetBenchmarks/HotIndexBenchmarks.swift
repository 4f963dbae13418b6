import Benchmark
import GeoFleetHotIndex
import Synchronization

/// The in-process index loaded with BenchData's 100k vehicles under one owner.
final class HotIndexFixture: Sendable {
    static let owner = "bench-owner"
    let hot = HotPositions()
    /// Next update number (BenchData.update) and next pickup index.
    let nextUpdate = Atomic<Int>(0)
    let nextPickup = Atomic<Int>(0)

    init() {
        for (i, p) in BenchData.vehicles.enumerated() {
            hot.update(HotFix(vehicleKey: Int64(i), latitude: p.latitude, longitude: p.longitude, fixTime: 0), owner: Self.owner)
        }
    }
}

/// Loaded on first use, once per benchmark process.
let hotIndexFixture = HotIndexFixture()

func hotIndexBenchmarks() {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput], warmupIterations: 3, scalingFactor: .kilo,
        maxDuration: .seconds(5), maxIterations: 1_000_000)

    let updates = ThroughputLog("hot.update")
    Benchmark(
        "HotIndex update (1k per iteration)", configuration: configuration,
        closure: { benchmark in
            let f = hotIndexFixture
            let first = f.nextUpdate.add(1000, ordering: .relaxed).oldValue
            updates.measure(operations: 1000) {
                for k in benchmark.scaledIterations {
                    let n = first + k
                    let (v, p) = BenchData.update(n)
                    blackHole(
                        f.hot.update(
                            HotFix(vehicleKey: Int64(v), latitude: p.latitude, longitude: p.longitude, fixTime: Int64(n + 1)),
                            owner: HotIndexFixture.owner))
                }
            }
        }, setup: { _ = hotIndexFixture.hot.count }, teardown: { updates.report() })

    let queries = ThroughputLog("hot.nearest10")
    Benchmark(
        "HotIndex nearest-10 within 50 km (1k per iteration)", configuration: configuration,
        closure: { benchmark in
            let f = hotIndexFixture
            let first = f.nextPickup.add(1000, ordering: .relaxed).oldValue
            var found = 0
            queries.measure(operations: 1000) {
                for k in benchmark.scaledIterations {
                    let q = BenchData.pickups[(first + k) % BenchData.pickups.count]
                    found &+=
                        f.hot.nearest(
                            owner: HotIndexFixture.owner, latitude: q.latitude, longitude: q.longitude,
                            limit: BenchData.limit, maxDistanceMeters: BenchData.radiusMeters
                        ).count
                }
            }
            blackHole(found)
        }, setup: { _ = hotIndexFixture.hot.count },
        teardown: {
            queries.report(extra: "cellDegrees=\(HotPositions.defaultCellDegrees) meanWithin50km=\(Int(BenchData.meanWithinRadius()))")
        })
}
