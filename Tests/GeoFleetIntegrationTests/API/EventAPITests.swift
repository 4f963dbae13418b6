import Foundation
import GeoFleetEvents
import GeoFleetTestSupport
import PostgresNIO
import Testing

/// `/api/webhooks` and `/api/events` on a running engine: validation, user isolation, filters, and a
/// delivery through the engine's own dispatcher.
@Suite("Event and webhook API", .serialized)
struct EventAPITests {
    @Test("webhooks: create, list without secret, 400s for bad bodies, 404 for someone else's")
    func webhookRoutes() async throws {
        let harness = try await EngineHarness.start()
        let (a, b) = (try await harness.token("api-user-a"), try await harness.token("api-user-b"))
        let good: [String: Any] = ["url": "https://a.example/hook", "secret": "0123456789abcdef", "events": ["geofence_enter"]]
        let (status, json) = try await harness.call("POST", "/api/webhooks", token: a, body: good)
        #expect(status == 201)
        let id = try #require((json as? [String: Any])?["webhookId"] as? String)

        let bad: [(body: [String: Any], message: String)] = [
            (["url": "ftp://a.example/", "secret": "0123456789abcdef"], "url must use http or https"),
            (["url": "https://a.example/", "secret": "short"], "secret must be 16 to 256 characters"),
            (["url": "https://a.example/", "secret": "0123456789abcdef", "events": ["nope"]], "unknown event type nope"),
            (["url": "https://a.example/", "secret": "0123456789abcdef", "extra": 1], "unknown field(s): extra"),
            (["secret": "0123456789abcdef"], "invalid request body: missing field url"),
        ]
        for c in bad {
            let (status, json) = try await harness.call("POST", "/api/webhooks", token: a, body: c.body)
            #expect(status == 400, "\(c.body)")
            let message = (json as? [String: Any])?["error"] as? String ?? ""
            #expect(message.hasPrefix(c.message), "\(message)")
        }

        let (_, listA) = try await harness.call("GET", "/api/webhooks", token: a)
        let hooks = try #require((listA as? [String: Any])?["webhooks"] as? [[String: Any]])
        #expect(hooks.count == 1)
        #expect(hooks.first?["id"] as? String == id)
        #expect(hooks.first?["url"] as? String == "https://a.example/hook")
        #expect(hooks.first?["events"] as? [String] == ["geofence_enter"])
        #expect(hooks.first?["secret"] == nil)
        #expect((hooks.first?["createdAt"] as? String)?.hasSuffix("Z") == true)

        let (_, listB) = try await harness.call("GET", "/api/webhooks", token: b)
        #expect(((listB as? [String: Any])?["webhooks"] as? [Any])?.isEmpty == true)
        #expect(try await harness.call("DELETE", "/api/webhooks/\(id)", token: b).status == 404)
        #expect(try await harness.call("DELETE", "/api/webhooks/not-a-uuid", token: a).status == 400)
        let (deleted, deletedJSON) = try await harness.call("DELETE", "/api/webhooks/\(id)", token: a)
        #expect(deleted == 200 && (deletedJSON as? [String: Any])?["success"] as? Bool == true)
        #expect(try await harness.call("DELETE", "/api/webhooks/\(id)", token: a).status == 404)
        try await harness.stop()
    }

    @Test("events: only the caller's, oldest first, filters, 400 for bad parameters")
    func eventRoutes() async throws {
        let harness = try await EngineHarness.start()
        let (a, b) = (try await harness.token("ev-user-a"), try await harness.token("ev-user-b"))
        let (v1, v2) = (UUID(), UUID())
        let start: Int64 = 1_800_000_000_000 // 2027-01-15T08:00:00.000Z
        let a1 = EventTestDatabase.events(user: "ev-user-a", vehicle: v1, count: 4, start: start)
        let a2 = EventTestDatabase.events(user: "ev-user-a", vehicle: v2, count: 2, type: "geofence_enter", start: start + 500)
        let bEvents = EventTestDatabase.events(user: "ev-user-b", vehicle: UUID(), count: 3, start: start)
        let log = testLogger("events-api")
        _ = try await harness.engine.store.client.withTransaction(logger: log) { connection in
            try await EventLog.append(a1 + a2 + bEvents, on: connection, logger: log)
        }

        func ids(_ query: String, token: String) async throws -> [String] {
            let (status, json) = try await harness.call("GET", "/api/events\(query)", token: token)
            #expect(status == 200, "\(query)")
            return ((json as? [String: Any])?["events"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        }
        let lower = { (events: [EventRecord]) in events.map { $0.id.uuidString.lowercased() } }
        #expect(try await ids("", token: a) == lower([a1[0], a2[0], a1[1], a2[1], a1[2], a1[3]]))
        #expect(try await ids("", token: b) == lower(bEvents))
        #expect(try await ids("?type=geofence_enter", token: a) == lower(a2))
        #expect(try await ids("?vehicleId=\(v1.uuidString.lowercased())", token: a) == lower(a1))
        #expect(try await ids("?vehicleId=\(v1.uuidString.lowercased())", token: b).isEmpty)
        #expect(
            try await ids("?from=2027-01-15T08:00:01.000Z&to=2027-01-15T08:00:02.000Z", token: a) == lower([a1[1], a2[1], a1[2]]))
        #expect(try await ids("?limit=2", token: a) == lower([a1[0], a2[0]]))

        let (_, one) = try await harness.call("GET", "/api/events?limit=1", token: a)
        let first = try #require(((one as? [String: Any])?["events"] as? [[String: Any]])?.first)
        #expect(first["time"] as? String == "2027-01-15T08:00:00.000Z")
        #expect(first["type"] as? String == "overspeed")
        #expect(first["vehicleId"] as? String == v1.uuidString.lowercased())
        #expect((first["data"] as? [String: Any])?["index"] as? Int == 0)

        for query in [
            "?from=yesterday", "?to=2027-13-01T00:00:00Z", "?type=teleport", "?vehicleId=nope", "?limit=0", "?limit=1001",
            "?from=2027-01-16T00:00:00Z&to=2027-01-15T00:00:00Z",
        ] {
            #expect(try await harness.call("GET", "/api/events\(query)", token: a).status == 400, "\(query)")
        }
        try await harness.stop()
    }

    @Test("the engine's dispatcher delivers an appended event to a webhook registered through the API")
    func engineDeliversToWebhook() async throws {
        let harness = try await EngineHarness.start()
        let receiver = try await WebhookReceiver.start()
        let token = try await harness.token("hook-user")
        let secret = "engine-secret-0123456789"
        let (status, _) = try await harness.call("POST", "/api/webhooks", token: token, body: ["url": receiver.url, "secret": secret])
        #expect(status == 201)
        let event = EventRecord(
            id: UUID(), type: "fleet_status_change", userID: "hook-user", vehicleID: UUID(), time: 1_800_000_000_000,
            data: #"{"status":"offline"}"#)
        let log = testLogger("events-api")
        _ = try await harness.engine.store.client.withTransaction(logger: log) { connection in
            try await EventLog.append([event], on: connection, logger: log)
        }
        harness.engine.webhooks.wake()
        let accepted = try await receiver.waitForAccepted(1, timeout: .seconds(20))
        #expect(accepted.count == 1)
        #expect(accepted.first?.eventID == event.id.uuidString.lowercased())
        #expect(accepted.first?.type == "fleet_status_change")
        #expect(accepted.first.map { $0.signature == WebhookReceiver.expectedSignature(secret: secret, body: $0.body) } == true)
        // data comes back from jsonb (normalised spacing): compare parsed.
        #expect((accepted.first?.json["data"] as? [String: Any])?["status"] as? String == "offline")
        #expect(accepted.first?.json["time"] as? String == "2027-01-15T08:00:00.000Z")
        await receiver.stop()
        try await harness.stop()
    }
}
