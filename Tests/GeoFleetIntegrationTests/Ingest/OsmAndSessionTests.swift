import Foundation
import GeoFleetPlatform
import GeoFleetPostGIS
import GeoFleetTestSupport
import Testing

/// OsmAnd / Traccar Client over HTTP against a running engine, sent with curl the way the apps send it.
@Suite(.serialized) struct OsmAndSessionTests {
    static let fixTime: Int64 = 1_790_000_000_000 // 2026-09-21T14:13:20Z

    func curl(_ arguments: [String]) async throws -> (status: Int, body: String) {
        let result = try await Blocking.run { try ChildProcess.run("/usr/bin/curl", ["-s", "-w", "%{http_code}"] + arguments) }
        // The body, then the status code written by -w: the status is the last 3 characters.
        let output = result.output
        let status = Int(output.suffix(3)) ?? 0
        return (status, String(output.dropLast(3)))
    }

    @Test func traccarClientRequestsAreStoredBeforeThe200() async throws {
        let harness = try await EngineHarness.start(now: { Self.fixTime + 5_000 })
        let token = try await harness.token("phone-owner")
        _ = try await harness.addVehicle(token: token, plate: "B-200-OSM", imei: "870123")
        let port = await harness.osmandPort()

        // Traccar Client for Android (8.x): POST with the parameters in the query and an empty body.
        let query = "id=870123&timestamp=\(Self.fixTime / 1000)&lat=44.4268&lon=26.1025&speed=10.0&bearing=90.0&altitude=80.0&accuracy=12.0&batt=87.0"
        let first = try await curl(["-X", "POST", "http://127.0.0.1:\(port)/?\(query)"])
        #expect(first.status == 200)
        // 200 means durable: the row arrives without anything else being sent.
        #expect(try await harness.waitForCount("SELECT count(*)::int8 FROM positions", equals: 1) == 1)
        #expect(try await harness.count("SELECT round(speed_kmh * 100)::int8 FROM positions") == 1852, "10 knots")
        #expect(try await harness.count("SELECT (attributes->>'batteryLevel')::float8::int8 FROM positions") == 87)
        #expect(try await harness.count("SELECT round(accuracy)::int8 FROM positions") == 12)

        // Traccar Client 9.x: JSON body, speed in m/s, battery as a fraction, ISO time.
        let json =
            #"{"location":{"timestamp":"2026-09-21T14:14:20.000Z","coords":{"latitude":44.43,"longitude":26.11,"accuracy":8,"speed":5,"heading":180,"altitude":81},"is_moving":true,"odometer":1234,"battery":{"level":0.5,"is_charging":false},"activity":{"type":"in_vehicle"}},"device_id":"870123"}"#
        let second = try await curl(["-X", "POST", "-H", "Content-Type: application/json", "--data-binary", json, "http://127.0.0.1:\(port)/"])
        #expect(second.status == 200)
        #expect(try await harness.waitForCount("SELECT count(*)::int8 FROM positions", equals: 2) == 2)
        #expect(try await harness.count("SELECT round(speed_kmh * 10)::int8 FROM positions ORDER BY fix_time DESC LIMIT 1") == 180, "5 m/s")

        // GET works too (OsmAnd's own tracker plugin).
        let third = try await curl(["http://127.0.0.1:\(port)/?id=870123&lat=44.44&lon=26.12&timestamp=2026-09-21T14:15:20Z"])
        #expect(third.status == 200)
        #expect(try await harness.waitForCount("SELECT count(*)::int8 FROM positions", equals: 3) == 3)
        try await harness.stop()
    }

    @Test func badRequestsGetAReasonAndStoreNothing() async throws {
        let harness = try await EngineHarness.start(now: { Self.fixTime + 5_000 })
        let token = try await harness.token("phone-owner")
        _ = try await harness.addVehicle(token: token, plate: "B-201-OSM", imei: "870124")
        let port = await harness.osmandPort()

        let missingLat = try await curl(["http://127.0.0.1:\(port)/?id=870124&lon=26.1&timestamp=\(Self.fixTime / 1000)"])
        #expect(missingLat.status == 400)
        #expect(missingLat.body.contains("lat"), "the reason names the parameter: \(missingLat.body)")

        let badLat = try await curl(["http://127.0.0.1:\(port)/?id=870124&lat=123.4&lon=26.1&timestamp=\(Self.fixTime / 1000)"])
        #expect(badLat.status == 400)

        let unknown = try await curl(["http://127.0.0.1:\(port)/?id=999999&lat=44.4&lon=26.1&timestamp=\(Self.fixTime / 1000)"])
        #expect(unknown.status == 400)
        #expect(unknown.body.contains("unknown device"))

        let brokenJSON = try await curl([
            "-X", "POST", "-H", "Content-Type: application/json", "--data-binary", #"{"location":{"coords":"#, "http://127.0.0.1:\(port)/",
        ])
        #expect(brokenJSON.status == 400)

        // Larger than one command-line argument may be, so from a file.
        let bigBody = FileManager.default.temporaryDirectory.appendingPathComponent("osmand-big-\(UUIDString.random()).json")
        try Data(repeating: UInt8(ascii: "x"), count: 300 * 1024).write(to: bigBody)
        defer { try? FileManager.default.removeItem(at: bigBody) }
        let tooLarge = try await curl([
            "-X", "POST", "-H", "Content-Type: application/json", "--data-binary", "@\(bigBody.path)", "http://127.0.0.1:\(port)/",
        ])
        #expect(tooLarge.status == 413)

        try await Task.sleep(for: .milliseconds(300))
        #expect(try await harness.count("SELECT count(*)::int8 FROM positions") == 0)
        try await harness.stop()
    }
}
