import Benchmark
import GeoFleetRedis
import Synchronization

/// A redis-server holding BenchData's 100k vehicles in one GEO key, plus pre-formatted commands so
/// string formatting is not charged to Redis.
final class RedisGeoFixture: @unchecked Sendable {
    static let key = "geofleet:bench:fleet"
    /// A member count and seed tag: a server that already holds exactly this data is reused.
    static let marker = "v1-\(BenchData.vehicleCount)-42"
    /// GEOADD members per command and commands per pipeline (1,000 updates per pipeline).
    static let membersPerCommand = 100
    static let commandsPerPipeline = 10

    let server: RedisBenchServer
    let connection: RedisConnection
    /// updatePipelines[i]: updates i*1000 ..< (i+1)*1000 of BenchData.update, two full passes.
    let updatePipelines: [[[String]]]
    let searches: [[String]]
    let nextBatch = Atomic<Int>(0)
    let nextSearch = Atomic<Int>(0)

    init() throws {
        server = try RedisBenchServer()
        connection = try server.connect()
        let perPipeline = Self.membersPerCommand * Self.commandsPerPipeline
        updatePipelines = (0..<(2 * BenchData.vehicleCount / perPipeline)).map { batch in
            (0..<Self.commandsPerPipeline).map { c in
                var args = ["GEOADD", Self.key]
                args.reserveCapacity(2 + 3 * Self.membersPerCommand)
                for m in 0..<Self.membersPerCommand {
                    let (v, p) = BenchData.update(batch * perPipeline + c * Self.membersPerCommand + m)
                    args += [String(p.longitude), String(p.latitude), "v\(v)"]
                }
                return args
            }
        }
        searches = BenchData.pickups.map { q in
            [
                "GEOSEARCH", Self.key, "FROMLONLAT", String(q.longitude), String(q.latitude),
                "BYRADIUS", String(Int(BenchData.radiusMeters / 1000)), "km", "ASC", "COUNT", String(BenchData.limit),
            ]
        }
        try load()
    }

    /// Loads the starting positions unless this server already has them (GEOADD load, pipelined).
    private func load() throws {
        if try connection.command(["GET", "geofleet:bench:marker"]) == .string(Self.marker) { return }
        _ = try connection.command(["DEL", Self.key])
        var commands: [[String]] = []
        for start in stride(from: 0, to: BenchData.vehicleCount, by: Self.membersPerCommand) {
            var args = ["GEOADD", Self.key]
            for v in start..<min(start + Self.membersPerCommand, BenchData.vehicleCount) {
                let p = BenchData.vehicles[v]
                args += [String(p.longitude), String(p.latitude), "v\(v)"]
            }
            commands.append(args)
            if commands.count == 50 {
                _ = try connection.pipeline(commands)
                commands.removeAll(keepingCapacity: true)
            }
        }
        if !commands.isEmpty { _ = try connection.pipeline(commands) }
        guard try connection.command(["ZCARD", Self.key]) == .integer(Int64(BenchData.vehicleCount)) else {
            throw RedisError.invalidCommand("redis holds the wrong number of vehicles")
        }
        _ = try connection.command(["SET", "geofleet:bench:marker", Self.marker])
    }
}

/// Created in the Redis benchmarks' setup (not at registration, so listing benchmarks needs no server).
nonisolated(unsafe) var redisGeoFixture: RedisGeoFixture!

func redisGeoBenchmarks() {
    let setup: Benchmark.BenchmarkSetupHook = {
        if redisGeoFixture == nil { redisGeoFixture = try RedisGeoFixture() }
    }

    let updates = ThroughputLog("redis.geoadd")
    Benchmark(
        "Redis GEOADD (1k per iteration: pipeline of 10 x 100 members)",
        configuration: .init(
            metrics: [.wallClock, .throughput], warmupIterations: 3, scalingFactor: .kilo,
            maxDuration: .seconds(5), maxIterations: 1_000_000
        ),
        closure: { benchmark in
            let f = redisGeoFixture!
            let batch = f.nextBatch.add(1, ordering: .relaxed).oldValue % f.updatePipelines.count
            updates.measure(operations: 1000) {
                do {
                    blackHole(try f.connection.pipeline(f.updatePipelines[batch]))
                } catch {
                    benchmark.error("GEOADD pipeline failed: \(error)")
                }
            }
        }, setup: setup,
        teardown: {
            updates.report()
            redisGeoFixture?.server.stop()
        })

    let searches = ThroughputLog("redis.geosearch10")
    Benchmark(
        "Redis GEOSEARCH BYRADIUS 50 km ASC COUNT 10 (1 per iteration)",
        configuration: .init(
            metrics: [.wallClock, .throughput], warmupIterations: 100, scalingFactor: .one,
            maxDuration: .seconds(5), maxIterations: 1_000_000
        ),
        closure: { benchmark in
            let f = redisGeoFixture!
            let args = f.searches[f.nextSearch.add(1, ordering: .relaxed).oldValue % f.searches.count]
            searches.measure(operations: 1) {
                do {
                    blackHole(try f.connection.command(args))
                } catch {
                    benchmark.error("GEOSEARCH failed: \(error)")
                }
            }
        }, setup: setup,
        teardown: {
            searches.report()
            redisGeoFixture?.server.stop()
        })
}
