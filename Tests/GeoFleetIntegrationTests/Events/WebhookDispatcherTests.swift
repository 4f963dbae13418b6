import AsyncHTTPClient
import Foundation
import GeoFleetEvents
import GeoFleetPlatform
import Testing

/// The dispatcher against a real PostgreSQL and a real HTTP receiver on 127.0.0.1.
@Suite("Webhook dispatcher", .serialized)
struct WebhookDispatcherTests {
    static let secret = "test-secret-0123456789"

    /// Fast retries so the tests take seconds.
    static func fastConfiguration() -> WebhookConfiguration {
        var configuration = WebhookConfiguration()
        configuration.pollInterval = .milliseconds(100)
        configuration.requestTimeout = .seconds(5)
        configuration.firstBackoff = .milliseconds(50)
        configuration.maxBackoff = .milliseconds(400)
        configuration.backlogInterval = .milliseconds(200)
        return configuration
    }

    /// Runs `body` with dispatchers (`count` of them, on one database) running; stops them after.
    static func withDispatchers(
        _ count: Int = 1, db: EventTestDatabase, configuration: WebhookConfiguration,
        now: @escaping @Sendable () -> Int64 = { WallClock.nowMilliseconds() }, _ body: ([WebhookDispatcher]) async throws -> Void
    ) async throws {
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: WebhookDispatcher.httpClientConfiguration(configuration))
        let dispatchers = (0..<count).map { _ in
            WebhookDispatcher(client: db.client, httpClient: http, configuration: configuration, now: now, logger: EventTestDatabase.log)
        }
        let tasks = dispatchers.map { dispatcher in Task { try await dispatcher.run() } }
        do {
            try await body(dispatchers)
        } catch {
            for task in tasks { task.cancel() }
            for task in tasks { _ = try? await task.value }
            try? await http.shutdown()
            throw error
        }
        for task in tasks { task.cancel() }
        for task in tasks { _ = try? await task.value }
        try await http.shutdown()
    }

    @Test("receiver down, then up: every event exactly once, signed, in order per vehicle (two dispatchers)")
    func downThenUp() async throws {
        let db = try await EventTestDatabase.start()
        defer { Task { await db.stop() } }
        let receiver = try await WebhookReceiver.start(down: true)
        let webhook = try await WebhookStore.create(client: db.client, userID: "u", url: receiver.url, secret: Self.secret, events: nil)
        let vehicles = [UUID(), UUID(), UUID()]
        var events: [EventRecord] = []
        for (n, vehicle) in vehicles.enumerated() {
            events += EventTestDatabase.events(user: "u", vehicle: vehicle, count: 20, start: 1_800_000_000_000 + Int64(n) * 7)
        }
        try await Self.withDispatchers(2, db: db, configuration: Self.fastConfiguration()) { dispatchers in
            // Appended in batches while the receiver refuses, as a producer would.
            for batch in stride(from: 0, to: events.count, by: 15) {
                try await db.append(Array(events[batch..<min(batch + 15, events.count)]))
                dispatchers[0].wake()
            }
            try await Task.sleep(for: .seconds(2))
            #expect(receiver.refused >= 3, "the receiver was down, so attempts were refused")
            #expect(receiver.accepted.isEmpty)
            // Only chain heads are tried while down: no later event of a vehicle was attempted.
            #expect(try await db.count("SELECT count(*) FROM webhook_deliveries WHERE attempts > 0") <= 3)
            #expect(try await db.count("SELECT count(*) FROM webhook_deliveries WHERE attempts > 1 AND last_error LIKE 'HTTP 503%'") >= 1)
            receiver.setDown(false)
            _ = try await receiver.waitForAccepted(events.count)
            #expect(
                try await db.waitForCount("SELECT count(*) FROM webhook_deliveries WHERE delivered_at IS NOT NULL", equals: events.count)
                    == events.count)
            // Settle: nothing more arrives once every row is delivered.
            try await Task.sleep(for: .milliseconds(500))
        }
        let accepted = receiver.accepted
        await receiver.stop()

        #expect(accepted.count == events.count)
        #expect(Set(accepted.map(\.eventID)).count == accepted.count, "each event exactly once")
        #expect(Set(accepted.map(\.eventID)) == Set(events.map { $0.id.uuidString.lowercased() }))
        for delivery in accepted {
            #expect(delivery.signature == WebhookReceiver.expectedSignature(secret: Self.secret, body: delivery.body))
            #expect(delivery.contentType == "application/json")
            #expect(delivery.type == "overspeed")
            #expect(delivery.json["id"] as? String == delivery.eventID)
        }
        let byID = Dictionary(uniqueKeysWithValues: events.map { ($0.id.uuidString.lowercased(), $0) })
        for vehicle in vehicles {
            let received = accepted.compactMap { byID[$0.eventID] }.filter { $0.vehicleID == vehicle }
            #expect(received.map(\.time) == received.map(\.time).sorted(), "vehicle \(vehicle) out of order")
            #expect(received.count == 20)
        }
        #expect(try await db.count("SELECT count(*) FROM webhook_deliveries WHERE webhook_id = '\(webhook)' AND failed_at IS NOT NULL") == 0)
    }

    @Test("a delivery past its retry window is marked failed and not retried")
    func expiredDeliveryFails() async throws {
        let db = try await EventTestDatabase.start()
        defer { Task { await db.stop() } }
        let receiver = try await WebhookReceiver.start(down: true)
        _ = try await WebhookStore.create(client: db.client, userID: "u", url: receiver.url, secret: Self.secret, events: nil)
        let vehicle = UUID()
        let events = EventTestDatabase.events(user: "u", vehicle: vehicle, count: 2)
        try await db.append(events)
        // 49 hours on: both rows are past the 48-hour window before any attempt.
        let later: @Sendable () -> Int64 = { WallClock.nowMilliseconds() + 49 * 3_600_000 }
        var configuration = Self.fastConfiguration()
        configuration.retryFor = .seconds(48 * 3600)
        try await Self.withDispatchers(db: db, configuration: configuration, now: later) { _ in
            #expect(try await db.waitForCount("SELECT count(*) FROM webhook_deliveries WHERE failed_at IS NOT NULL", equals: 2) == 2)
            try await Task.sleep(for: .milliseconds(600))
        }
        #expect(receiver.refused == 0 && receiver.accepted.isEmpty, "an expired row is not sent")
        #expect(try await db.count("SELECT count(*) FROM webhook_deliveries WHERE attempts = 0 AND delivered_at IS NULL") == 2)

        // After a real attempt: the next retry would fall past the window, so the row fails and stays failed.
        let fresh = EventTestDatabase.events(user: "u", vehicle: UUID(), count: 1)
        try await db.append(fresh)
        configuration.retryFor = .milliseconds(1500)
        configuration.firstBackoff = .seconds(4)
        configuration.maxBackoff = .seconds(4)
        try await Self.withDispatchers(db: db, configuration: configuration) { _ in
            #expect(
                try await db.waitForCount(
                    "SELECT count(*) FROM webhook_deliveries WHERE event_id = '\(fresh[0].id)' AND failed_at IS NOT NULL", equals: 1) == 1)
            try await Task.sleep(for: .seconds(2))
        }
        #expect(receiver.refused == 1, "one attempt, then no retry")
        #expect(
            try await db.count(
                "SELECT count(*) FROM webhook_deliveries WHERE event_id = '\(fresh[0].id)' AND attempts = 1 AND last_error LIKE 'HTTP 503%'") == 1)
        await receiver.stop()
    }

    @Test("a refused connection is retried with backoff and recorded, never marked delivered")
    func connectionRefusedIsRetried() async throws {
        let db = try await EventTestDatabase.start()
        defer { Task { await db.stop() } }
        // A port that was just free: nothing listens there.
        let closed = try await WebhookReceiver.start()
        let url = closed.url
        await closed.stop()
        _ = try await WebhookStore.create(client: db.client, userID: "u", url: url, secret: Self.secret, events: nil)
        try await db.append(EventTestDatabase.events(user: "u", vehicle: UUID(), count: 1))
        try await Self.withDispatchers(db: db, configuration: Self.fastConfiguration()) { _ in
            let attempts = try await db.waitForCount("SELECT least(max(attempts), 3) FROM webhook_deliveries", equals: 3)
            #expect(attempts == 3)
        }
        #expect(
            try await db.count("SELECT count(*) FROM webhook_deliveries WHERE delivered_at IS NULL AND failed_at IS NULL AND last_error IS NOT NULL")
                == 1)
    }

    @Test("an answer that never completes is cut at requestTimeout and retried, not delivered")
    func stalledAnswerTimesOut() async throws {
        let db = try await EventTestDatabase.start()
        defer { Task { await db.stop() } }
        let receiver = try await WebhookReceiver.start()
        _ = try await WebhookStore.create(client: db.client, userID: "u", url: receiver.stallURL, secret: Self.secret, events: nil)
        try await db.append(EventTestDatabase.events(user: "u", vehicle: UUID(), count: 1))
        var configuration = Self.fastConfiguration()
        configuration.requestTimeout = .milliseconds(500)
        try await Self.withDispatchers(db: db, configuration: configuration) { _ in
            let timedOut = try await db.waitForCount(
                "SELECT count(*) FROM webhook_deliveries WHERE attempts >= 2 AND last_error LIKE 'no complete answer within%'", equals: 1,
                timeout: .seconds(15))
            #expect(timedOut == 1)
            // The second attempt is counted when it is claimed, a moment before its request arrives.
            let deadline = ContinuousClock.now + .seconds(5)
            while receiver.stalled < 2, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(receiver.stalled >= 2)
        #expect(try await db.count("SELECT count(*) FROM webhook_deliveries WHERE delivered_at IS NOT NULL") == 0)
        await receiver.stop()
    }
}
