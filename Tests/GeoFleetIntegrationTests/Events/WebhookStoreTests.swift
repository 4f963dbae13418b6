import Foundation
import GeoFleetEvents
import Testing

/// Webhook registration: validation with clear messages, the per-user limit, user scoping.
@Suite("Webhook store", .serialized)
struct WebhookStoreTests {
    @Test("invalid URLs, secrets and event types are refused with a message naming the problem")
    func validation() async throws {
        let db = try await EventTestDatabase.start()
        defer { Task { await db.stop() } }
        let secret = "0123456789abcdef"
        let cases: [(url: String, secret: String, events: [String]?, message: String)] = [
            ("ftp://x.example/hook", secret, nil, "url must use http or https"),
            ("http:///hook", secret, nil, "url must name a host"),
            ("https://user:pass@x.example/hook", secret, nil, "url must not carry a user or password"),
            ("not a url", secret, nil, "url must be an absolute http or https URL"),
            ("https://x.example/" + String(repeating: "a", count: 2048), secret, nil, "url must be at most 2048 characters"),
            ("https://x.example/hook", "short", nil, "secret must be 16 to 256 characters"),
            ("https://x.example/hook", String(repeating: "s", count: 257), nil, "secret must be 16 to 256 characters"),
            ("https://x.example/hook", "0123456789\u{0}abcdef", nil, "secret must not contain control characters"),
            ("https://x.example/hook", secret, ["overspeed", "teleport"], "unknown event type teleport"),
            ("https://x.example/hook", secret, [], "events must name at least one type"),
        ]
        for c in cases {
            do {
                _ = try await WebhookStore.create(client: db.client, userID: "u", url: c.url, secret: c.secret, events: c.events)
                Issue.record("accepted \(c.url) / \(c.secret.count) chars / \(String(describing: c.events))")
            } catch let error as WebhookError {
                #expect(error.description.hasPrefix(c.message), "\(error.description)")
            }
        }
        #expect(try await db.count("SELECT count(*) FROM webhooks") == 0)
    }

    @Test("at most 20 webhooks a user; lists and deletes are the user's own; the secret is never listed")
    func limitAndScope() async throws {
        let db = try await EventTestDatabase.start()
        defer { Task { await db.stop() } }
        var ids: [UUID] = []
        for i in 0..<WebhookStore.maxPerUser {
            ids.append(
                try await WebhookStore.create(
                    client: db.client, userID: "a", url: "https://a.example/\(i)", secret: "0123456789abcdef", events: ["overspeed", "overspeed"]))
        }
        await #expect(throws: WebhookError.tooMany(limit: 20)) {
            _ = try await WebhookStore.create(client: db.client, userID: "a", url: "https://a.example/x", secret: "0123456789abcdef", events: nil)
        }
        // Another user is not affected by a's count.
        let bID = try await WebhookStore.create(client: db.client, userID: "b", url: "https://b.example/", secret: "0123456789abcdef", events: nil)

        let listedA = try await WebhookStore.list(client: db.client, userID: "a")
        #expect(listedA.map(\.id) == ids)
        #expect(listedA[0].events == ["overspeed"])
        let listedB = try await WebhookStore.list(client: db.client, userID: "b")
        #expect(listedB.map(\.id) == [bID])
        #expect(listedB[0].events == nil)

        #expect(try await WebhookStore.delete(client: db.client, userID: "b", id: ids[0]) == false)
        #expect(try await WebhookStore.delete(client: db.client, userID: "a", id: ids[0]) == true)
        #expect(try await WebhookStore.delete(client: db.client, userID: "a", id: ids[0]) == false)
        #expect(try await WebhookStore.list(client: db.client, userID: "a").count == 19)
    }
}
