import Foundation
import GeoFleetPlatform
import GeoFleetPostGIS
import GeoFleetRedis
import GeoFleetTestSupport
import Testing

/// With `GEOFLEET_REDIS_URL`, fleet events go to Redis channels named like the stream's rooms.
@Suite(.serialized) struct RedisRelayTests {
    @Test func statusChangesArePublishedOnTheUserAndVehicleChannels() async throws {
        let redis = try RedisServerProcess()
        defer { redis.stop() }
        let harness = try await EngineHarness.start(tweak: { $0.storage.redisURL = "redis://127.0.0.1:\(redis.port)" })
        let alice = try await harness.token("user_alice")
        let id = try await harness.addVehicle(token: alice, plate: "B 70 RED", imei: nil)

        // A real subscriber: redis-cli, for a few seconds, off the cooperative pool.
        let port = redis.port
        let subscriber = Task {
            try await Blocking.run {
                try ChildProcess.run("/usr/bin/timeout", ["4", "/usr/bin/redis-cli", "-p", "\(port)", "SUBSCRIBE", "user_user_alice", "fleet_\(id)"])
            }
        }
        let connection = try redis.connect()
        // Both channels subscribed before the change (the reply's text holds the id, whose digits
        // proved nothing: read the counts).
        let deadline = ContinuousClock.now + .seconds(3)
        while ContinuousClock.now < deadline {
            let reply = try connection.command(["PUBSUB", "NUMSUB", "user_user_alice", "fleet_\(id)"])
            if case .array(let items) = reply, items.count == 4, items[1] == .integer(1), items[3] == .integer(1) { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let (status, _) = try await harness.call("PUT", "/api/fleet/vehicles/\(id)", token: alice, body: ["status": "inactive"])
        #expect(status == 200)
        let output = try await subscriber.value.output
        let messages = output.split(separator: "\n").filter { $0.hasPrefix("{") }
        #expect(messages.count == 2, "one message per channel: \(output)")
        #expect(messages.contains { $0.contains(#""room":"user_user_alice""#) && $0.contains(#""event":"fleet_status_change""#) })
        #expect(messages.contains { $0.contains(#""room":"fleet_\#(id)""#) && $0.contains(#""to":"inactive""#) })
        try await harness.stop()
    }

    @Test("rediss:// carries the relay over TLS (the CA from ssl_ca_certs, the host name checked); a bad TLS option stops the start")
    func relayOverTLS() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.directory.remove() }
        let redis = try RedisServerProcess(
            tls: .init(certificate: certificates.serverCertificate, key: certificates.serverKey, clientCA: certificates.caCertificate))
        defer { redis.stop() }
        await #expect(throws: (any Error).self) {
            _ = try await EngineHarness.start(tweak: {
                $0.storage.redisURL = "rediss://localhost:\(redis.tlsPort)?ssl_cert_reqs=sometimes"
            })
        }
        let harness = try await EngineHarness.start(tweak: {
            $0.storage.redisURL = "rediss://localhost:\(redis.tlsPort)?ssl_ca_certs=\(certificates.caCertificate)"
        })
        let alice = try await harness.token("user_alice")
        let id = try await harness.addVehicle(token: alice, plate: "B 71 TLS", imei: nil)
        let port = redis.port
        let subscriber = Task {
            try await Blocking.run {
                try ChildProcess.run("/usr/bin/timeout", ["4", "/usr/bin/redis-cli", "-p", "\(port)", "SUBSCRIBE", "fleet_\(id)"])
            }
        }
        let connection = try redis.connect()
        let deadline = ContinuousClock.now + .seconds(3)
        while ContinuousClock.now < deadline {
            let reply = try connection.command(["PUBSUB", "NUMSUB", "fleet_\(id)"])
            if case .array(let items) = reply, items.count == 2, items[1] == .integer(1) { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try await harness.call("PUT", "/api/fleet/vehicles/\(id)", token: alice, body: ["status": "inactive"]).status == 200)
        let output = try await subscriber.value.output
        #expect(output.contains(#""to":"inactive""#), "the relay's message, sent over TLS: \(output)")
        // The server counted a TLS client: its INFO lists the connection over the TLS port.
        let clients = try connection.command(["CLIENT", "LIST"])
        if case .string(let list) = clients {
            #expect(list.split(separator: "\n").contains { $0.contains("laddr=127.0.0.1:\(redis.tlsPort)") })
        } else {
            Issue.record("CLIENT LIST answered \(clients)")
        }
        try await harness.stop()
    }
}
