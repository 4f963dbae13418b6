import Foundation
import GeoFleetTestSupport
import Testing

/// The API under a hostile client: numbers that used to trap, sockets held for free,
/// streams without bound or past their token, and answers that said too much.
@Suite(.serialized) struct HostileAPITests {
    /// `resume` at the top of UInt64 trapped on `after + 1` and took the daemon down.
    @Test func hugeResumePointsAreRefusedOrRestartedNotFatal() async throws {
        let harness = try await EngineHarness.start()
        let alice = try await harness.token("user_alice")
        for resume in ["18446744073709551615", "18446744073709551614", "9223372036854775808", "4294967296"] {
            let stream = TestStreamClient(port: harness.httpPort, query: "resume=\(resume)", token: alice)
            #expect(await stream.waitUntil { !$0.isEmpty }, "stream_ready for resume=\(resume)")
            #expect(stream.messages.first?["resumed"] as? Bool == false, "resume=\(resume) is beyond the newest event")
            await stream.close()
        }
        for resume in ["18446744073709551616", "-1", "1e3", "0x10"] {
            let (status, _) = try await harness.call("GET", "/api/stream?resume=\(resume)", token: alice)
            #expect(status == 400, "resume=\(resume)")
        }
        #expect(try await harness.call("GET", "/healthz", token: nil).status == 200, "the daemon is still up")
        try await harness.stop()
    }

    @Test func streamsPerUserAreCappedAndEndWithTheirToken() async throws {
        let harness = try await EngineHarness.start(tweak: { $0.apiLimits.streamsPerUser = 2 })
        let alice = try await harness.token("user_alice")
        let bob = try await harness.token("user_bob")
        let first = TestStreamClient(port: harness.httpPort, token: alice)
        let second = TestStreamClient(port: harness.httpPort, token: alice)
        let firstReady = await first.waitUntil { !$0.isEmpty }
        let secondReady = await second.waitUntil { !$0.isEmpty }
        #expect(firstReady && secondReady)
        let (refused, json) = try await harness.call("GET", "/api/stream", token: alice)
        #expect(refused == 429)
        #expect(((json as? [String: Any])?["error"] as? String)?.contains("at most 2 streams") == true)
        let third = TestStreamClient(port: harness.httpPort, token: alice)
        #expect(await third.waitUntil(timeout: .seconds(3)) { !$0.isEmpty } == false, "a third stream of alice's gets nothing")
        let bobs = TestStreamClient(port: harness.httpPort, token: bob)
        #expect(await bobs.waitUntil { !$0.isEmpty }, "bob's streams are his own")
        await first.close()
        await third.close()
        let replacement = TestStreamClient(port: harness.httpPort, token: alice)
        #expect(await replacement.waitUntil { !$0.isEmpty }, "a closed stream frees its slot")

        // A token that expires in 2 s: its stream ends then, not when the client goes.
        let shortLived = try await harness.engine.tokens.sign(sub: "user_carol", plan: "pro", ttl: 2)
        let expiring = TestStreamClient(port: harness.httpPort, token: shortLived)
        #expect(await expiring.waitUntil { !$0.isEmpty })
        let opened = ContinuousClock.now
        var ended = false
        while ContinuousClock.now - opened < .seconds(10) {
            if expiring.isEnded { ended = true; break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(ended, "the stream closes when its token expires")
        #expect(ContinuousClock.now - opened < .seconds(6))
        for client in [second, bobs, replacement] { await client.close() }
        try await harness.stop()
    }

    /// A 409 on a device claim must not tell that another tenant holds the device.
    @Test func aClaimedDeviceIsOnlyUnusable() async throws {
        let harness = try await EngineHarness.start()
        let alice = try await harness.token("user_alice")
        let bob = try await harness.token("user_bob")
        _ = try await harness.addVehicle(token: alice, plate: "B 13 HID", imei: "356307042441099")
        let (status, json) = try await harness.call(
            "POST", "/api/fleet/add", token: bob,
            body: [
                "type": "van", "licensePlate": "B 14 HID", "capacity": ["weight": 1000, "volume": 5], "gpsDeviceId": "356307042441099",
            ])
        #expect(status == 409)
        let message = try #require((json as? [String: Any])?["error"] as? String)
        #expect(message == "GPS device 356307042441099 cannot be used")
        try await harness.stop()
    }

    /// Partial heads, trickled bodies, idle keep-alives and one address's flood each lose their socket.
    @Test func slowClientsLoseTheirSocketsAndOneAddressCannotTakeThemAll() async throws {
        let harness = try await EngineHarness.start(tweak: {
            $0.apiLimits.headerTimeoutSeconds = 2
            $0.apiLimits.bodyTimeoutSeconds = 2
            $0.apiLimits.idleTimeoutSeconds = 2
            $0.apiLimits.maxConnectionsPerIP = 4
        })
        let port = harness.httpPort

        // Slowloris: a header byte every 300 ms never ends the head.
        let loris = try await TestDeviceClient.connect(port: port)
        let started = ContinuousClock.now
        try await loris.send(Array("GET /healthz HTTP/1.1\r\nHost: x\r\n".utf8))
        let trickle = Task {
            for byte in Array("X-Slow: 1234567890123456789012345678901234567890\r\n".utf8) {
                try? await loris.send([byte])
                try? await Task.sleep(for: .milliseconds(300))
            }
        }
        #expect(await loris.waitForClose(timeout: .seconds(8)), "a trickled head is cut off")
        #expect(ContinuousClock.now - started < .seconds(6))
        trickle.cancel()

        // Blank lines first do not end a head: the deadline still holds.
        let blank = try await TestDeviceClient.connect(port: port)
        let blankStarted = ContinuousClock.now
        try await blank.send(Array("\r\n\r\n\n\nGET /healthz HTTP/1.1\r\nHost: x\r\n".utf8))
        #expect(await blank.waitForClose(timeout: .seconds(8)), "blank lines then a never-ending head are cut off")
        #expect(ContinuousClock.now - blankStarted < .seconds(6))

        // Bare line feeds do not end a head for the parser behind it: nor for the deadline.
        let bare = try await TestDeviceClient.connect(port: port)
        let bareStarted = ContinuousClock.now
        try await bare.send(Array("GET /healthz HTTP/1.1\nHost: x\n\n".utf8))
        #expect(await bare.waitForClose(timeout: .seconds(8)), "a head of bare line feeds is cut off too")
        #expect(ContinuousClock.now - bareStarted < .seconds(6))

        // A body promised and trickled.
        let body = try await TestDeviceClient.connect(port: port)
        let token = try await harness.token("user_alice")
        try await body.send(
            Array(
                "POST /api/routes/estimate HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"
                    .utf8))
        let bodyStarted = ContinuousClock.now
        let bodyTrickle = Task {
            for _ in 0..<40 {
                try? await body.send([0x20])
                try? await Task.sleep(for: .milliseconds(300))
            }
        }
        #expect(await body.waitForClose(timeout: .seconds(8)), "a trickled body is cut off")
        #expect(ContinuousClock.now - bodyStarted < .seconds(6))
        bodyTrickle.cancel()

        // A keep-alive connection that asks nothing more is closed after the idle timeout.
        let idle = try await TestDeviceClient.connect(port: port)
        try await idle.send(Array("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(try await idle.read(12) == Array("HTTP/1.1 200".utf8))
        #expect(await idle.waitForClose(timeout: .seconds(8)), "an idle keep-alive connection is closed")

        // Four silent connections from one address hold its whole share; a fifth is closed at once,
        // and once they are gone the address is served again.
        var held: [TestDeviceClient] = []
        for _ in 0..<4 { held.append(try await TestDeviceClient.connect(port: port)) }
        try await Task.sleep(for: .milliseconds(200))
        let fifth = try await TestDeviceClient.connect(port: port)
        #expect(await fifth.waitForClose(timeout: .seconds(2)), "over the per-address cap")
        for client in held { await client.close() }
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await harness.call("GET", "/healthz", token: nil).status == 200)
        try await harness.stop()
    }
}
