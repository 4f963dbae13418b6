import Foundation
import GeoFleetAPI
import GeoFleetPlatform
import GeoFleetProtocols
import GeoFleetTestSupport
import Synchronization
import Testing

/// Cluster mode on real HAProxy, PostgreSQL and Redis with three geofleetd nodes on loopback.
@Suite(.serialized)
struct ClusterTests {
    static let owner = "user_cluster"

    static func token() async throws -> String {
        try await TokenAuthority(secret: EngineHarness.secret).sign(sub: owner, plan: "pro")
    }

    /// Adds a truck bound to `imei` through `port`; returns its id.
    static func addVehicle(port: Int, token: String, imei: String, plate: String) async throws -> String {
        let (status, json) = try await EngineHarness.call(
            port: port, "POST", "/api/fleet/add", token: token,
            body: ["type": "truck", "licensePlate": plate, "capacity": ["weight": 24000, "volume": 90], "gpsDeviceId": imei])
        guard status == 201, let id = (json as? [String: Any])?["vehicleId"] as? String else {
            throw HarnessError("fleet/add answered \(status): \(String(describing: json))")
        }
        return id
    }

    /// The latitude `port`'s map shows for `vehicleID`, if any.
    static func mapLatitude(port: Int, token: String, vehicleID: String) async -> Double? {
        guard let (status, json) = try? await EngineHarness.call(port: port, "GET", "/api/map/gps", token: token), status == 200,
            let positions = (json as? [String: Any])?["positions"] as? [[String: Any]]
        else { return nil }
        return positions.first { ($0["vehicleId"] as? String) == vehicleID }?["lat"] as? Double
    }

    /// Waits up to `timeout` for `port`'s map to show `latitude` for the vehicle; the time it took.
    static func waitForMap(port: Int, token: String, vehicleID: String, latitude: Double, timeout: Duration) async -> Duration? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < timeout {
            if let lat = await mapLatitude(port: port, token: token, vehicleID: vehicleID), abs(lat - latitude) < 1e-6 {
                return ContinuousClock.now - start
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    static func connectDevice(port: Int, imei: String) async throws -> TestDeviceClient {
        let device = try await TestDeviceClient.connect(port: port)
        try await device.send(Teltonika.encodeIMEI(imei))
        guard try await device.read(1, timeout: .seconds(5)) == [0x01] else {
            await device.close()
            throw HarnessError("IMEI \(imei) refused")
        }
        return device
    }

    /// One frame of one record at `latitude`; true when acknowledged.
    static func sendFix(_ device: TestDeviceClient, time: Int64, latitude: Double) async throws -> Bool {
        try await device.send(FrameFactory.codec8(records: [(time, latitude, 25.0)]))
        return FrameFactory.ackCount(try await device.read(4, timeout: .seconds(5))) == 1
    }

    @Test("a fix acknowledged by one node is on every node's map; a device rebound through one node is taken by another")
    func sharedHotStateAndInvalidation() async throws {
        let cluster = try await ClusterFixture(nodes: 3)
        defer { cluster.stopAll() }
        let token = try await Self.token()
        let n1 = cluster.nodes[0].httpPort, n2 = cluster.nodes[1].httpPort, n3 = cluster.nodes[2].httpPort
        let vehicle = try await Self.addVehicle(port: n1, token: token, imei: "352093081110001", plate: "CJ 01 CLU")

        // Added on node 1, the device is accepted by node 2 at once (the change reached its caches).
        let device = try await Self.connectDevice(port: cluster.nodes[1].teltonikaPort, imei: "352093081110001")
        let now = WallClock.nowMilliseconds()
        // Fixes a minute apart and a few hundred metres apart: the jump filter lets them through.
        #expect(try await Self.sendFix(device, time: now - 60_000, latitude: 45.1234))
        for port in [n1, n2, n3] {
            let seen = await Self.waitForMap(port: port, token: token, vehicleID: vehicle, latitude: 45.1234, timeout: .seconds(2))
            #expect(seen != nil, "node on \(port) did not show the fix acknowledged by node 2")
        }

        // Rebound through node 3 to another tracker: node 2 closes the old tracker's connection and takes the new one.
        let (status, _) = try await EngineHarness.call(
            port: n3, "PUT", "/api/fleet/vehicles/\(vehicle)", token: token, body: ["gpsDeviceId": "352093081110002"])
        #expect(status == 200)
        #expect(await device.waitForClose(timeout: .seconds(5)), "node 2 kept the old tracker's connection")
        let rebound = try await Self.connectDevice(port: cluster.nodes[1].teltonikaPort, imei: "352093081110002")
        #expect(try await Self.sendFix(rebound, time: now, latitude: 45.1290))
        #expect(await Self.waitForMap(port: n1, token: token, vehicleID: vehicle, latitude: 45.1290, timeout: .seconds(2)) != nil)
        await rebound.close()
        await cluster.shutdown()
    }

    @Test("Redis restarted mid-stream: every node's hot state converges within 5 s after it is back")
    func redisRestart() async throws {
        let cluster = try await ClusterFixture(nodes: 2)
        defer { cluster.stopAll() }
        let token = try await Self.token()
        let vehicle = try await Self.addVehicle(port: cluster.nodes[0].httpPort, token: token, imei: "352093081120001", plate: "CJ 02 CLU")
        let device = try await Self.connectDevice(port: cluster.nodes[0].teltonikaPort, imei: "352093081120001")
        let now = WallClock.nowMilliseconds()
        #expect(try await Self.sendFix(device, time: now - 120_000, latitude: 46.0))
        #expect(await Self.waitForMap(port: cluster.nodes[1].httpPort, token: token, vehicleID: vehicle, latitude: 46.0, timeout: .seconds(2)) != nil)

        // While Redis is down node 1 keeps acknowledging (Redis is not on the durability path).
        try cluster.redis.restart(downFor: 0)
        #expect(try await Self.sendFix(device, time: now - 60_000, latitude: 46.005))
        let seen = await Self.waitForMap(port: cluster.nodes[1].httpPort, token: token, vehicleID: vehicle, latitude: 46.005, timeout: .seconds(5))
        #expect(seen != nil, "node 2 did not converge within 5 s of Redis being back:\n\(cluster.log(node: 1))")
        await device.close()
        await cluster.shutdown()
    }

    @Test("a user's rate limit holds across nodes, and each node limits alone while Redis is down")
    func sharedRateLimits() async throws {
        let cluster = try await ClusterFixture(nodes: 2, environment: ["GEOFLEET_RATE_LIMIT_API_PER_MINUTE": "6"])
        defer { cluster.stopAll() }
        let token = try await Self.token()
        let ports = cluster.nodes.map(\.httpPort)
        // Six calls spread over both nodes use the shared bucket up; the seventh is refused on either node.
        var statuses: [Int] = []
        for i in 0..<8 { statuses.append(try await EngineHarness.call(port: ports[i % 2], "GET", "/api/map/gps", token: token).status) }
        #expect(statuses.prefix(6).allSatisfy { $0 == 200 }, "\(statuses)")
        #expect(statuses.suffix(2) == [429, 429], "\(statuses)")
        // Another user has a bucket of their own.
        let other = try await TokenAuthority(secret: EngineHarness.secret).sign(sub: "user_cluster_other", plan: "pro")
        #expect(try await EngineHarness.call(port: ports[1], "GET", "/api/map/gps", token: other).status == 200)

        // Redis gone: each node answers from its own (fresh) buckets instead of failing or hanging.
        cluster.redis.stop()
        let started = ContinuousClock.now
        let alone = try await EngineHarness.call(port: ports[0], "GET", "/api/map/gps", token: other).status
        #expect(alone == 200)
        #expect(ContinuousClock.now - started < .seconds(3))
        await cluster.shutdown()
    }

    @Test("once-only jobs run on exactly one node, and move to another when it is killed")
    func onceOnlyJobsMove() async throws {
        let cluster = try await ClusterFixture(nodes: 2)
        defer { cluster.stopAll() }
        let jobs = ["partitions", "archive", "deal-progress", "connectivity", "webhooks"]
        func holders(_ job: String) async -> [Int] {
            var out: [Int] = []
            for (i, node) in cluster.nodes.enumerated() where node.process != nil {
                guard let (status, _) = try? await EngineHarness.call(port: node.httpPort, "GET", "/healthz", token: nil), status == 200 else {
                    continue
                }
                if let text = try? String(contentsOf: URL(string: "http://127.0.0.1:\(node.httpPort)/metrics")!, encoding: .utf8),
                    text.contains("geofleet_cluster_job_held{job=\"\(job)\"} 1")
                {
                    out.append(i)
                }
            }
            return out
        }
        var deadline = ContinuousClock.now + .seconds(20)
        var held: [String: [Int]] = [:]
        repeat {
            for job in jobs { held[job] = await holders(job) }
            if held.values.allSatisfy({ $0.count == 1 }) { break }
            try await Task.sleep(for: .milliseconds(200))
        } while ContinuousClock.now < deadline
        for job in jobs { #expect(held[job]?.count == 1, "job \(job) held by \(held[job] ?? [])") }

        let victim = held["archive"]?.first ?? 0
        await cluster.kill(node: victim)
        let killedAt = ContinuousClock.now
        deadline = killedAt + .seconds(60)
        var moved = false
        repeat {
            let now = await holders("archive")
            if now.count == 1 && now[0] != victim {
                moved = true
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        } while ContinuousClock.now < deadline
        #expect(moved, "the archive job did not move within a minute")
        await cluster.shutdown()
    }

    @Test("kill -9 of a node mid-stream through HAProxy: devices are back within 10 s, the API answers, every ACKed position is stored once")
    func nodeCrashThroughHAProxy() async throws {
        let cluster = try await ClusterFixture(nodes: 3)
        defer { cluster.stopAll() }
        let run = try await Self.streamFleet(through: cluster, devices: 9, imeiBase: 352_093_081_130_000) {
            await cluster.kill(node: 1)
            try await Task.sleep(for: .seconds(12))
            try await cluster.start(node: 1)
        }
        let outageTimes = run.outages.withLock { $0 }
        #expect(!outageTimes.isEmpty, "no device was on the killed node")
        #expect(outageTimes.allSatisfy { $0 < .seconds(10) }, "reconnections took \(outageTimes)")
        let calls = run.apiCalls.load(ordering: .relaxed), ok = run.apiOK.load(ordering: .relaxed)
        #expect(Double(ok) >= 0.99 * Double(calls), "the API answered \(ok) of \(calls)")
        try await Self.expectStoredOnce(run, cluster: cluster, node: 1)
        await cluster.shutdown()
    }

    @Test("a node stopped for good: its spool directory handed to a new node with the same id loses nothing")
    func spoolHandedToANewNode() async throws {
        let cluster = try await ClusterFixture(nodes: 3)
        defer { cluster.stopAll() }
        let run = try await Self.streamFleet(through: cluster, devices: 6, imeiBase: 352_093_081_140_000) {
            await cluster.kill(node: 2)
            // Another machine: the dead node's spool moves to a new place, the node comes up there on new ports.
            try await Task.sleep(for: .seconds(3))
            try cluster.relocate(node: 2)
            try await cluster.start(node: 2)
        }
        #expect(!run.outages.withLock { $0 }.isEmpty, "no device was on the stopped node")
        try await Self.expectStoredOnce(run, cluster: cluster, node: 2)
        await cluster.shutdown()
    }

    /// Every acknowledged position is in `positions`, and none twice.
    static func expectStoredOnce(_ run: StreamRun, cluster: ClusterFixture, node: Int) async throws {
        let expected = run.acked.withLock { $0.count }
        let stored = try await EngineHarness.waitForCount(
            "SELECT count(*) FROM positions", endpoint: cluster.endpoint, equals: expected, timeout: .seconds(30))
        #expect(stored == expected, "stored \(stored) of \(expected) acknowledged:\n\(cluster.log(node: node))")
        #expect(
            try await EngineHarness.count(
                "SELECT count(*) FROM (SELECT vehicle_key, fix_time FROM positions GROUP BY 1, 2 HAVING count(*) > 1) d",
                endpoint: cluster.endpoint) == 0)
    }

    /// `devices` trackers bound to vehicles stream 5-record frames through HAProxy (reconnecting and
    /// resending after a lost connection) while an API client reads the map through it; `scenario` runs
    /// after 3 s, the stream goes on 3 s after it.
    static func streamFleet(
        through cluster: ClusterFixture, devices: Int, imeiBase: Int, scenario: @escaping @Sendable () async throws -> Void
    ) async throws -> StreamRun {
        let token = try await Self.token()
        let imeis = (0..<devices).map { String(imeiBase + $0) }
        for (i, imei) in imeis.enumerated() {
            _ = try await Self.addVehicle(port: cluster.apiPort, token: token, imei: imei, plate: "CJ \(10 + i) CRS")
        }
        let base = WallClock.nowMilliseconds() - 3_600_000
        let run = StreamRun()
        @Sendable func stream(_ d: Int) async {
            var frame = 0
            var device: TestDeviceClient?
            var lostAt: ContinuousClock.Instant?
            while !run.stop.load(ordering: .relaxed) {
                if device == nil {
                    device = try? await Self.connectDevice(port: cluster.teltonikaPort, imei: imeis[d])
                    if device == nil {
                        try? await Task.sleep(for: .milliseconds(200))
                        continue
                    }
                    if let lost = lostAt { run.outages.withLock { $0.append(ContinuousClock.now - lost) } }
                    lostAt = nil
                }
                let records = (0..<5).map { r -> (time: Int64, lat: Double, lon: Double) in
                    let i = Int64(frame * 5 + r)
                    return (base + i * 1000, 45.0 + Double(i) * 0.0001, 25.0 + Double(d) * 0.01)
                }
                let ok: Bool
                do {
                    try await device!.send(FrameFactory.codec8(records: records))
                    ok = FrameFactory.ackCount(try await device!.read(4, timeout: .seconds(5))) == 5
                } catch {
                    ok = false
                }
                if ok {
                    run.acked.withLock { set in for r in records { set.insert("\(d)/\(r.time)") } }
                    frame += 1
                    try? await Task.sleep(for: .milliseconds(50))
                } else {
                    await device?.close()
                    device = nil
                    lostAt = lostAt ?? .now
                }
            }
            await device?.close()
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for d in 0..<devices { group.addTask { await stream(d) } }
            group.addTask {
                while !run.stop.load(ordering: .relaxed) {
                    run.apiCalls.add(1, ordering: .relaxed)
                    // Answered: anything but a failed connection or a gateway error (a 429 is the node's answer).
                    if let (status, _) = try? await EngineHarness.call(port: cluster.apiPort, "GET", "/api/map/gps", token: token),
                        status < 502
                    {
                        run.apiOK.add(1, ordering: .relaxed)
                    }
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
            try await Task.sleep(for: .seconds(3))
            try await scenario()
            try await Task.sleep(for: .seconds(3))
            run.stop.store(true, ordering: .relaxed)
            try await group.waitForAll()
        }
        return run
    }
}

/// What the crash test's devices and API caller share.
final class StreamRun: Sendable {
    let stop = Atomic<Bool>(false)
    /// `device/fixTime` of every acknowledged record.
    let acked = Mutex<Set<String>>([])
    /// How long each lost device took to be accepted again.
    let outages = Mutex<[Duration]>([])
    let apiCalls = Atomic<Int>(0)
    let apiOK = Atomic<Int>(0)
}
