import Foundation
import GeoFleetEvents
import Testing

/// The event log against a real PostgreSQL: idempotent appends, who gets delivery rows, listing, purge.
@Suite("Event log", .serialized)
struct EventLogTests {
    @Test("append is idempotent and writes deliveries only for the owner's webhooks that want the type")
    func appendIsIdempotent() async throws {
        let db = try await EventTestDatabase.start()
        defer { Task { await db.stop() } }
        let all = try await WebhookStore.create(
            client: db.client, userID: "user-a", url: "https://a.example/all", secret: "0123456789abcdef", events: nil)
        let overspeedOnly = try await WebhookStore.create(
            client: db.client, userID: "user-a", url: "https://a.example/speed", secret: "0123456789abcdef", events: ["overspeed"])
        _ = try await WebhookStore.create(
            client: db.client, userID: "user-b", url: "https://b.example/all", secret: "0123456789abcdef", events: nil)
        let vehicle = UUID()
        let events = [
            EventRecord(id: UUID(), type: "overspeed", userID: "user-a", vehicleID: vehicle, time: 1_800_000_000_000, data: #"{"speed":97}"#),
            EventRecord(
                id: UUID(), type: "geofence_enter", userID: "user-a", vehicleID: vehicle, time: 1_800_000_001_000, geofenceID: UUID(),
                data: "{}"),
        ]
        let first = try await db.append(events)
        #expect(first == events)
        // A replay re-appends the same ids: nothing new, no second delivery.
        let second = try await db.append(events + events)
        #expect(second.isEmpty)
        #expect(try await db.count("SELECT count(*) FROM fleet_events") == 2)
        #expect(try await db.count("SELECT count(*) FROM webhook_deliveries") == 3)
        #expect(try await db.count("SELECT count(*) FROM webhook_deliveries WHERE webhook_id = '\(all)'") == 2)
        #expect(
            try await db.count(
                "SELECT count(*) FROM webhook_deliveries WHERE webhook_id = '\(overspeedOnly)' AND event_id = '\(events[0].id)'") == 1)
        #expect(try await db.count("SELECT count(*) FROM webhook_deliveries WHERE user_id = 'user-b'") == 0)
    }

    @Test("a failed transaction leaves neither the event nor its deliveries")
    func appendRollsBackWithTheCaller() async throws {
        let db = try await EventTestDatabase.start()
        defer { Task { await db.stop() } }
        _ = try await WebhookStore.create(client: db.client, userID: "u", url: "https://x.example/", secret: "0123456789abcdef", events: nil)
        struct Abort: Error {}
        await #expect(throws: (any Error).self) {
            try await db.client.withTransaction(logger: EventTestDatabase.log) { connection in
                _ = try await EventLog.append(
                    EventTestDatabase.events(user: "u", vehicle: UUID(), count: 2), on: connection, logger: EventTestDatabase.log)
                throw Abort()
            }
        }
        #expect(try await db.count("SELECT count(*) FROM fleet_events") == 0)
        #expect(try await db.count("SELECT count(*) FROM webhook_deliveries") == 0)
    }

    @Test("list: only the user's events, oldest first, filtered by time, type and vehicle, limited")
    func listFilters() async throws {
        let db = try await EventTestDatabase.start()
        defer { Task { await db.stop() } }
        let (v1, v2) = (UUID(), UUID())
        let start: Int64 = 1_800_000_000_000
        let a1 = EventTestDatabase.events(user: "a", vehicle: v1, count: 5, start: start)
        let a2 = EventTestDatabase.events(user: "a", vehicle: v2, count: 3, type: "geofence_exit", start: start + 500)
        let b = EventTestDatabase.events(user: "b", vehicle: UUID(), count: 4, start: start)
        // Appended out of time order: listing orders by time.
        try await db.append(a2 + b + a1.reversed())
        let log = EventTestDatabase.log

        let everything = try await EventLog.list(
            client: db.client, userID: "a", from: nil, to: nil, type: nil, vehicleID: nil, limit: 500, logger: log)
        #expect(everything.count == 8)
        #expect(everything.map(\.time) == everything.map(\.time).sorted())
        #expect(everything.allSatisfy { $0.userID == "a" })
        #expect(Set(everything.map(\.id)) == Set((a1 + a2).map(\.id)))

        let onlyB = try await EventLog.list(client: db.client, userID: "b", from: nil, to: nil, type: nil, vehicleID: nil, limit: 500, logger: log)
        #expect(onlyB.map(\.id) == b.map(\.id))

        let byType = try await EventLog.list(
            client: db.client, userID: "a", from: nil, to: nil, type: "geofence_exit", vehicleID: nil, limit: 500, logger: log)
        #expect(byType.map(\.id) == a2.map(\.id))

        let byVehicle = try await EventLog.list(client: db.client, userID: "a", from: nil, to: nil, type: nil, vehicleID: v1, limit: 500, logger: log)
        #expect(byVehicle.map(\.id) == a1.map(\.id))
        #expect(byVehicle[2].data == #"{"index": 2}"#)

        // Inclusive bounds: a1[1] at +1000 … a1[3] at +3000, a2[1] at +1500, a2[2] at +2500.
        let window = try await EventLog.list(
            client: db.client, userID: "a", from: start + 1000, to: start + 3000, type: nil, vehicleID: nil, limit: 500, logger: log)
        #expect(window.map(\.id) == [a1[1].id, a2[1].id, a1[2].id, a2[2].id, a1[3].id])

        let limited = try await EventLog.list(client: db.client, userID: "a", from: nil, to: nil, type: nil, vehicleID: nil, limit: 3, logger: log)
        #expect(limited.map(\.id) == Array(everything.prefix(3)).map(\.id))
    }

    @Test("purge removes events created before the cutoff, with their deliveries")
    func purgeRemovesOldEvents() async throws {
        let db = try await EventTestDatabase.start()
        defer { Task { await db.stop() } }
        _ = try await WebhookStore.create(client: db.client, userID: "u", url: "https://x.example/", secret: "0123456789abcdef", events: nil)
        let old = EventTestDatabase.events(user: "u", vehicle: UUID(), count: 3)
        let recent = EventTestDatabase.events(user: "u", vehicle: UUID(), count: 2)
        try await db.append(old + recent)
        let ids = old.map { "'\($0.id)'" }.joined(separator: ",")
        _ = try await db.count(
            "WITH aged AS (UPDATE fleet_events SET created_at = now() - interval '40 days' WHERE id IN (\(ids)) RETURNING 1) SELECT count(*) FROM aged"
        )
        let cutoff = Int64(Date().timeIntervalSince1970 * 1000) - 30 * 86_400_000
        let purged = try await EventLog.purge(client: db.client, olderThan: cutoff, logger: EventTestDatabase.log)
        #expect(purged == 3)
        #expect(try await db.count("SELECT count(*) FROM fleet_events") == 2)
        #expect(try await db.count("SELECT count(*) FROM webhook_deliveries") == 2)
        #expect(try await db.count("SELECT count(*) FROM fleet_events WHERE id IN (\(ids))") == 0)
    }

    @Test("json: the API's shape, ISO time with milliseconds, optional ids omitted")
    func jsonShape() throws {
        let id = UUID(uuidString: "6F9619FF-8B86-D011-B42D-00CF4FC964FF")!
        let vehicle = UUID(uuidString: "00000000-0000-0000-0000-0000000000AB")!
        let event = EventRecord(
            id: id, type: "deal_status_update", userID: "u", vehicleID: vehicle, time: 1_795_000_000_123, cargoID: "cargo-7",
            data: #"{"state":"loaded"}"#)
        #expect(
            event.json
                == #"{"id":"6f9619ff-8b86-d011-b42d-00cf4fc964ff","type":"deal_status_update","time":"2026-11-18T11:06:40.123Z","#
                + #""vehicleId":"00000000-0000-0000-0000-0000000000ab","cargoId":"cargo-7","data":{"state":"loaded"}}"#)
    }
}
