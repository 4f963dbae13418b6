import Foundation
import GeoFleetTestSupport
import Testing

/// Inputs Schemathesis found to break the API: each is now refused with a clear status and message,
/// and none writes anything or stops the history writer.
@Suite(.serialized) struct APIInputTests {
    @Test func eachBadInputIsRefusedAndNothingIsWritten() async throws {
        let harness = try await EngineHarness.start()
        let alice = try await harness.token("user_alice")
        let id = try await harness.addVehicle(token: alice, plate: "B 95 INP", imei: nil)

        let cases: [(String, String, String?, Int, String)] = [
            (
                "POST", "/api/fleet/add",
                "{\"type\":\"van\",\"licensePlate\":\"B 96 INP\",\"capacity\":{\"weight\":1,\"volume\":1},\"driverId\":\""
                    + String(repeating: "x", count: 70_000) + "\"}", 413, "larger than"
            ),
            ("GET", "/api/fleet/vehicles?search=a%00b", nil, 400, "search"),
            (
                "POST", "/api/fleet/add",
                #"{"type":"van","licensePlate":"B 97 INP","capacity":{"weight":1,"volume":1},"manualPosition":{"lat":1,"long":1,"address":"a\u0000b"}}"#,
                400, "manualPosition.address"
            ),
            (
                "POST", "/api/fleet/add", #"{"type":"van","licensePlate":"B 98 INP","capacity":{"weight":1,"volume":1,"x":1}}"#, 400,
                "unknown field(s) in capacity"
            ),
            (
                "PUT", "/api/fleet/vehicles/\(id)",
                #"{"currentCargoId":"c1","currentCargo":{"pickup":{"lat":1,"long":1,"floor":3},"delivery":{"lat":2,"long":2}}}"#, 400,
                "currentCargo.pickup"
            ),
            ("PUT", "/api/fleet/vehicles/\(id)/position", #"{"lat":10,"long":10,"timestamp":"0001-01-01T00:00:00+01:00"}"#, 400, "timestamp"),
            ("PUT", "/api/fleet/vehicles/\(id)/position", #"{"lat":10,"long":10,"timestamp":"2001-01-01T00:00:00Z"}"#, 400, "older than"),
            ("GET", "/api/fleet/vehicles/\(id)/track?to=0000-01-01T00:00:00Z", nil, 400, "between 1970 and 9999"),
            ("GET", "/api/stream", nil, 426, "WebSocket"),
        ]
        for (method, path, body, expected, fragment) in cases {
            let (status, json) = try await harness.call(method, path, token: alice, rawBody: body.map { Data($0.utf8) })
            #expect(status == expected, "\(method) \(path)")
            let message = (json as? [String: Any])?["error"] as? String ?? ""
            #expect(message.contains(fragment), "\(method) \(path): \(message)")
        }
        #expect(try await harness.count("SELECT count(*) FROM vehicles") == 1)
        #expect(try await harness.count("SELECT count(*) FROM positions") == 0)

        // The writer still works: a good manual position reaches PostGIS.
        let (status, _) = try await harness.call("PUT", "/api/fleet/vehicles/\(id)/position", token: alice, body: ["lat": 44.4, "long": 26.1])
        #expect(status == 200)
        #expect(try await harness.waitForCount("SELECT count(*) FROM positions", equals: 1) == 1)
        try await harness.stop()
    }
}
