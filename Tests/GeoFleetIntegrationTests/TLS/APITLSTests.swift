import AsyncHTTPClient
import Foundation
import GeoFleetTestSupport
import NIOCore
import NIOSSL
import Testing

/// The API port with TLS on: HTTPS (HTTP/1.1 and HTTP/2) and plain HTTP side by side, HSTS, WebSocket
/// over TLS, plain refused when turned off, and service tokens tied to client certificates.
@Suite(.serialized)
struct APITLSTests {
    static func client(_ tls: TLSConfiguration, http2: Bool) -> HTTPClient {
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.httpVersion = http2 ? .automatic : .http1Only
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    static func get(_ client: HTTPClient, _ url: String, token: String? = nil) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: url)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        return try await client.execute(request, timeout: .seconds(15))
    }

    @Test("HTTPS by HTTP/1.1 and HTTP/2 with HSTS, plain HTTP without it, a WebSocket over TLS, on one port")
    func httpsAndPlainOnOnePort() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.directory.remove() }
        let harness = try await EngineHarness.startTLS(certificates)
        let url = "https://127.0.0.1:\(harness.httpPort)/healthz"

        let h2 = Self.client(try certificates.clientConfiguration(), http2: true)
        let overH2 = try await Self.get(h2, url)
        #expect(overH2.status == .ok)
        #expect(overH2.version == .http2)
        #expect(overH2.headers.first(name: "strict-transport-security") == "max-age=31536000")
        try await h2.shutdown()

        let h1 = Self.client(try certificates.clientConfiguration(), http2: false)
        let overH1 = try await Self.get(h1, url)
        #expect(overH1.status == .ok)
        #expect(overH1.version == .http1_1)
        #expect(overH1.headers.first(name: "strict-transport-security") == "max-age=31536000")
        // An authenticated route over TLS.
        let alice = try await harness.token("user_alice")
        #expect(try await Self.get(h1, "https://127.0.0.1:\(harness.httpPort)/api/map/gps", token: alice).status == .ok)
        try await h1.shutdown()

        let plain = HTTPClient(eventLoopGroupProvider: .singleton)
        let overPlain = try await Self.get(plain, "http://127.0.0.1:\(harness.httpPort)/healthz")
        #expect(overPlain.status == .ok)
        #expect(overPlain.headers.first(name: "strict-transport-security") == nil)
        try await plain.shutdown()

        let stream = TestStreamClient(port: harness.httpPort, token: alice, tls: try certificates.clientConfiguration())
        #expect(await stream.waitUntil { !$0.isEmpty }, "stream_ready over wss")
        #expect(stream.messages.first?["room"] as? String == "user_user_alice")
        await stream.close()
        try await harness.stop()
    }

    @Test("GEOFLEET_HTTP_PLAIN=off closes plain connections; a stalled TLS handshake meets the header deadline")
    func plainOff() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.directory.remove() }
        let harness = try await EngineHarness.startTLS(
            certificates,
            tweak: {
                $0.tls.httpPlain = "off"
                $0.apiLimits.headerTimeoutSeconds = 2
            })
        let plain = HTTPClient(eventLoopGroupProvider: .singleton)
        await #expect(throws: (any Error).self) {
            _ = try await Self.get(plain, "http://127.0.0.1:\(harness.httpPort)/healthz")
        }
        try await plain.shutdown()

        let https = Self.client(try certificates.clientConfiguration(), http2: false)
        #expect(try await Self.get(https, "https://127.0.0.1:\(harness.httpPort)/healthz").status == .ok)
        try await https.shutdown()

        let staller = try await TestDeviceClient.connect(port: harness.httpPort)
        try await staller.send([0x16, 0x03, 0x01, 0x02, 0x00, 0x01])
        let started = ContinuousClock.now
        #expect(await staller.waitForClose(timeout: .seconds(10)))
        #expect(ContinuousClock.now - started < .seconds(6))
        try await harness.stop()
    }

    @Test("GEOFLEET_SERVICE_CLIENT_CERT=required: a service token needs TLS with a verified client certificate")
    func serviceTokensNeedClientCertificates() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.directory.remove() }
        let harness = try await EngineHarness.startTLS(certificates, clientCA: true, tweak: { $0.tls.serviceClientCert = "required" })
        let service = try await harness.engine.tokens.sign(sub: "svc_dispatch", plan: "trial", role: "service")
        let url = "https://127.0.0.1:\(harness.httpPort)/api/map/gps"

        let anonymous = Self.client(try certificates.clientConfiguration(), http2: true)
        let refused = try await Self.get(anonymous, url, token: service)
        #expect(refused.status == .unauthorized)
        let body = String(buffer: try await refused.body.collect(upTo: 1 << 16))
        #expect(body.contains("client certificate"))
        try await anonymous.shutdown()

        let plain = HTTPClient(eventLoopGroupProvider: .singleton)
        #expect(try await Self.get(plain, "http://127.0.0.1:\(harness.httpPort)/api/map/gps", token: service).status == .unauthorized)
        // A forged mark is stripped: only the server knows its value.
        var forged = HTTPClientRequest(url: "http://127.0.0.1:\(harness.httpPort)/api/map/gps")
        forged.headers.add(name: "Authorization", value: "Bearer \(service)")
        forged.headers.add(name: "X-GeoFleet-Client-Certificate", value: "verified")
        #expect(try await plain.execute(forged, timeout: .seconds(15)).status == .unauthorized)
        // Users' tokens are not affected.
        #expect(
            try await Self.get(plain, "http://127.0.0.1:\(harness.httpPort)/api/map/gps", token: try await harness.token("user_bob")).status == .ok)
        try await plain.shutdown()

        for http2 in [true, false] {
            let withCertificate = Self.client(
                try certificates.clientConfiguration(certificate: certificates.clientCertificate, key: certificates.clientKey), http2: http2)
            let accepted = try await Self.get(withCertificate, url, token: service)
            #expect(accepted.status == .ok, "service token with a client certificate (http2: \(http2))")
            try await withCertificate.shutdown()
        }

        // A certificate from a CA the server does not trust fails the handshake.
        let rogue = Self.client(
            try certificates.clientConfiguration(certificate: certificates.rogueClientCertificate, key: certificates.rogueClientKey), http2: true)
        await #expect(throws: (any Error).self) { _ = try await Self.get(rogue, url, token: service) }
        try await rogue.shutdown()
        try await harness.stop()
    }
}
