import Foundation
import GeoFleetApp
import GeoFleetCore
import GeoFleetPostGIS
import GeoFleetProtocols
import GeoFleetTestSupport
import Logging
import NIOPosix
import PostgresNIO
#if canImport(FoundationNetworking)
import FoundationNetworking
import GeoFleetPlatform
#endif

/// A running engine on a fresh database, with helpers to call its API and count stored rows.
final class EngineHarness: Sendable {
    let engine: GeoFleetEngine
    let runTask: Task<Void, any Error>
    let endpoint: DatabaseEndpoint
    let httpPort: Int
    let dataDirectory: String
    static let secret = "integration-test-secret-0123456789abcdef"

    static func start(
        endpoint: DatabaseEndpoint? = nil, dataDirectory: String? = nil,
        now: @escaping @Sendable () -> Int64 = { WallClock.nowMilliseconds() },
        tweak: (inout GeoFleetConfiguration) -> Void = { _ in }
    ) async throws -> EngineHarness {
        let database: DatabaseEndpoint
        if let endpoint { database = endpoint } else { database = try await TestPostgres.shared.freshDatabase() }
        let dir = dataDirectory ?? FileManager.default.temporaryDirectory.path + "/geofleet-engine-\(UUIDString.short())"
        var configuration = Self.localConfiguration(dataDirectory: dir)
        configuration.storage.databaseURL = database.description
        configuration.auth.secret = secret
        configuration.writer.batchDelay = .milliseconds(20)
        // The default 10 fleet changes an hour would stop most tests; the limiter has its own tests.
        configuration.rateLimits.fleetWritesPerHour = 0
        configuration.rateLimits.apiPerMinute = 0
        tweak(&configuration)
        let engine = try await GeoFleetEngine.start(configuration: configuration, logger: testLogger("engine"), now: now)
        let runTask = Task { try await engine.run() }
        let port = await engine.httpPort()
        return EngineHarness(engine: engine, runTask: runTask, endpoint: database, httpPort: port, dataDirectory: dir)
    }

    /// A configuration on 127.0.0.1 with every port left to the kernel.
    static func localConfiguration(dataDirectory: String) -> GeoFleetConfiguration {
        var configuration = GeoFleetConfiguration(dataDirectory: dataDirectory)
        configuration.listeners.bindHost = "127.0.0.1"
        configuration.listeners.httpPort = 0
        configuration.listeners.teltonikaPort = 0
        configuration.listeners.gt06Port = 0
        configuration.listeners.osmandPort = 0
        configuration.listeners.ruptelaPort = 0
        return configuration
    }

    private init(engine: GeoFleetEngine, runTask: Task<Void, any Error>, endpoint: DatabaseEndpoint, httpPort: Int, dataDirectory: String) {
        self.engine = engine
        self.runTask = runTask
        self.endpoint = endpoint
        self.httpPort = httpPort
        self.dataDirectory = dataDirectory
    }

    var devicePort: Int { engine.deviceServer.port }
    var gt06Port: Int { engine.gt06Server.port }
    var ruptelaPort: Int { engine.ruptelaServer.port }
    func osmandPort() async -> Int { await engine.osmandServer.port() }

    /// The engine's `/metrics` text.
    func metrics() async throws -> String { try await Self.metrics(port: httpPort) }

    /// `/metrics` of a daemon on `port` (empty in-process: only geofleetd bootstraps Prometheus).
    static func metrics(port: Int) async throws -> String {
        let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        return String(decoding: data, as: UTF8.self)
    }

    func stop() async throws {
        await engine.shutdown()
        try await runTask.value
    }

    func token(_ user: String, plan: String = "pro") async throws -> String {
        try await engine.tokens.sign(sub: user, plan: plan)
    }

    /// Calls the API; returns status and parsed JSON (nil when the body is not JSON).
    func call(_ method: String, _ path: String, token: String?, body: Any? = nil, rawBody: Data? = nil) async throws -> (status: Int, json: Any?) {
        try await Self.call(port: httpPort, method, path, token: token, body: body, rawBody: rawBody)
    }

    static func call(port: Int, _ method: String, _ path: String, token: String?, body: Any? = nil, rawBody: Data? = nil) async throws -> (
        status: Int, json: Any?
    ) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        } else if let rawBody {
            request.httpBody = rawBody
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return (status, try? JSONSerialization.jsonObject(with: data))
    }

    /// Adds a vehicle for `token`'s user bound to `imei`; returns its id.
    func addVehicle(token: String, plate: String, imei: String?) async throws -> String {
        var body: [String: Any] = ["type": "truck", "licensePlate": plate, "capacity": ["weight": 24000, "volume": 90]]
        if let imei { body["gpsDeviceId"] = imei }
        let (status, json) = try await call("POST", "/api/fleet/add", token: token, body: body)
        guard status == 201, let id = (json as? [String: Any])?["vehicleId"] as? String else {
            throw HarnessError("add vehicle failed: \(status) \(String(describing: json))")
        }
        return id
    }

    /// Runs `sql` (returning one bigint) against the engine's database.
    func count(_ sql: String) async throws -> Int {
        try await Self.count(sql, endpoint: endpoint)
    }

    static func count(_ sql: String, endpoint: DatabaseEndpoint) async throws -> Int {
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: endpoint.connectionConfiguration, id: 9, logger: testLogger("query"))
        defer { Task { try? await connection.close() } }
        for try await value in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: testLogger("query")).decode(Int.self) {
            return value
        }
        return 0
    }

    /// Polls until `sql` returns `expected` (or the timeout passes); returns the last value seen.
    func waitForCount(_ sql: String, equals expected: Int, timeout: Duration = .seconds(20)) async throws -> Int {
        try await Self.waitForCount(sql, endpoint: endpoint, equals: expected, timeout: timeout)
    }

    static func waitForCount(_ sql: String, endpoint: DatabaseEndpoint, equals expected: Int, timeout: Duration = .seconds(20)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        var last = -1
        while ContinuousClock.now < deadline {
            last = (try? await count(sql, endpoint: endpoint)) ?? -1
            if last == expected { return last }
            try await Task.sleep(for: .milliseconds(50))
        }
        return last
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Teltonika Codec 8 frames with chosen coordinates and times, for streams of many positions.
enum FrameFactory {
    static func codec8(records: [(time: Int64, lat: Double, lon: Double)], speed: UInt16 = 60) -> [UInt8] {
        Teltonika.encodeTCPFrame(
            TeltonikaAVLPacket(
                codec: .codec8,
                records: records.map { r in
                    TeltonikaRecord(
                        timestamp: r.time, priority: 0, longitude: r.lon, latitude: r.lat, altitude: 100, angle: 90,
                        satellites: 9, speed: speed, eventIOID: 0,
                        io: [IOElement(id: 239, value: .unsigned(1, width: 1)), IOElement(id: 66, value: .unsigned(24_079, width: 2))])
                }))
    }

    static func ackCount(_ bytes: [UInt8]?) -> Int? {
        guard let bytes, bytes.count == 4 else { return nil }
        return bytes.reduce(0) { $0 << 8 | Int($1) }
    }
}
