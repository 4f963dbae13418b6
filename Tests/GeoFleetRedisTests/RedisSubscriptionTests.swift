import Foundation
import GeoFleetRedis
import GeoFleetTestSupport
import Logging
import Synchronization
import Testing

/// Pub/sub over TCP and over a Unix socket: messages arrive in order after quiet periods, and a
/// restarted server is subscribed to again (and said so).
@Suite("RedisSubscription against a real redis-server", .serialized)
final class RedisSubscriptionTests {
    let server: RedisServerProcess

    init() throws {
        server = try RedisServerProcess()
    }

    deinit {
        server.stop()
    }

    final class Received: Sendable {
        let messages = Mutex<[String]>([])
        let subscriptions = Mutex<[Bool]>([])

        func wait(for count: Int, timeout: Duration = .seconds(5)) async -> [String] {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                let now = messages.withLock { $0 }
                if now.count >= count { return now }
                try? await Task.sleep(for: .milliseconds(10))
            }
            return messages.withLock { $0 }
        }

        func waitForSubscriptions(_ count: Int) async -> Bool {
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                if subscriptions.withLock({ $0.count }) >= count { return true }
                try? await Task.sleep(for: .milliseconds(10))
            }
            return false
        }
    }

    func subscribe(_ connect: @escaping @Sendable () throws -> RedisConnection) -> (RedisSubscription, Received) {
        let received = Received()
        let subscription = RedisSubscription(
            channels: ["a", "b"], logger: Logger(label: "test.subscription"), connect: connect,
            onSubscribed: { reconnected in received.subscriptions.withLock { $0.append(reconnected) } },
            onMessage: { channel, payload in received.messages.withLock { $0.append("\(channel):\(payload)") } })
        subscription.start()
        return (subscription, received)
    }

    @Test(arguments: ["tcp", "unix"])
    func messagesArriveAfterAQuietPeriod(transport: String) async throws {
        let server = self.server
        let socket = server.unixSocket
        let overTCP = transport == "tcp"
        let (subscription, received) = subscribe {
            overTCP ? try server.connect() : try RedisConnection(unixSocket: socket)
        }
        defer { subscription.stop() }
        #expect(await received.waitForSubscriptions(1))
        // Longer than the connect timeout of a plain connection: a quiet channel is not a failure.
        try await Task.sleep(for: .milliseconds(1500))
        let publisher = try server.connect()
        _ = try publisher.pipeline([["PUBLISH", "a", "1"], ["PUBLISH", "c", "ignored"], ["PUBLISH", "b", "ü 2"], ["PUBLISH", "a", "3"]])
        #expect(await received.wait(for: 3) == ["a:1", "b:ü 2", "a:3"])
        #expect(received.subscriptions.withLock { $0 } == [false], "the subscription broke and came back")
    }

    @Test func aRestartedServerIsSubscribedToAgain() async throws {
        let server = self.server
        let (subscription, received) = subscribe { try server.connect() }
        defer { subscription.stop() }
        #expect(await received.waitForSubscriptions(1))
        try server.restart(downFor: 0.5)
        #expect(await received.waitForSubscriptions(2))
        #expect(received.subscriptions.withLock { $0 } == [false, true])
        _ = try server.connect().command(["PUBLISH", "b", "after"])
        #expect(await received.wait(for: 1) == ["b:after"])
    }
}
