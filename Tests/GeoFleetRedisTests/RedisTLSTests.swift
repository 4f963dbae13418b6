import Foundation
import GeoFleetRedis
import GeoFleetTestSupport
import Testing

/// `rediss://`: hiredis through the TLS tunnel against a redis-server listening with TLS, with
/// certificates made by the test.
@Suite("Redis over TLS against a real redis-server", .serialized)
final class RedisTLSTests {
    let certificates: TestCertificates
    let server: RedisServerProcess

    init() throws {
        certificates = try TestCertificates.make()
        // A DNS name only: an IP SAN would let the host-name check below pass for any name.
        let certificate = certificates.directory.path + "/redis.crt"
        let key = certificates.directory.path + "/redis.key"
        try certificates.issueServerCertificate(certificate: certificate, key: key, san: "DNS:localhost")
        server = try RedisServerProcess(tls: .init(certificate: certificate, key: key, clientCA: certificates.caCertificate))
    }

    deinit {
        server.stop()
        certificates.directory.remove()
    }

    @Test("commands, pipelines and replies travel through the tunnel, with the host name checked")
    func roundTrip() throws {
        let tls = try RedisTLS(serverName: "localhost", caFile: certificates.caCertificate)
        let redis = try RedisConnection(host: "127.0.0.1", port: server.tlsPort, tls: tls)
        #expect(try redis.command(["PING"]) == .status("PONG"))
        let big = String(repeating: "Cluj-Napoca → Zürich ", count: 20_000)
        #expect(try redis.command(["SET", "big", big]) == .status("OK"))
        #expect(try redis.command(["GET", "big"]) == .string(big))
        let replies = try redis.pipeline((0..<500).map { _ in ["INCR", "n"] })
        #expect(replies.last == .integer(500))
        // The server saw a TLS client: INFO's connection count is over the TLS port, and the plain
        // port's client sees the key the TLS one wrote.
        #expect(try server.connect().command(["GET", "n"]) == .string("500"))
    }

    @Test("a client certificate from the trusted CA is accepted")
    func clientCertificate() throws {
        let tls = try RedisTLS(
            serverName: "localhost", caFile: certificates.caCertificate, certificateFile: certificates.clientCertificate,
            keyFile: certificates.clientKey)
        let redis = try RedisConnection(host: "127.0.0.1", port: server.tlsPort, tls: tls)
        #expect(try redis.command(["PING"]) == .status("PONG"))
    }

    @Test("a server whose certificate the client does not trust, or naming another host, is refused cleanly")
    func refusals() throws {
        let untrusted = try RedisTLS(serverName: "localhost", caFile: certificates.rogueCA)
        let error = #expect(throws: RedisError.self) {
            _ = try RedisConnection(host: "127.0.0.1", port: self.server.tlsPort, tls: untrusted, timeout: .seconds(3))
        }
        if case .connectionFailed(let message) = error {
            #expect(message.contains("TLS handshake failed"))
        } else {
            Issue.record("\(String(describing: error))")
        }

        let wrongName = try RedisTLS(serverName: "redis.example.org", caFile: certificates.caCertificate)
        #expect(throws: RedisError.self) {
            _ = try RedisConnection(host: "127.0.0.1", port: self.server.tlsPort, tls: wrongName, timeout: .seconds(3))
        }
        // A plain client on the TLS port gets no answer it can use, and the server keeps serving.
        // (Redis may answer the bytes with a TLS alert record, which hiredis reads as a protocol error or a
        // reply it cannot use; either way never PONG.)
        let plainReply = try? RedisConnection(host: "127.0.0.1", port: server.tlsPort, timeout: .seconds(1)).command(["PING"])
        #expect(plainReply != .status("PONG"), "plain PING on the TLS port answered \(String(describing: plainReply))")
        let tls = try RedisTLS(serverName: "localhost", caFile: certificates.caCertificate)
        #expect(try RedisConnection(host: "127.0.0.1", port: server.tlsPort, tls: tls).command(["PING"]) == .status("PONG"))
    }

    @Test("the tunnel closes with the connection, and a server that goes away breaks the connection instead of hanging")
    func closing() throws {
        let tls = try RedisTLS(serverName: "localhost", caFile: certificates.caCertificate)
        for _ in 0..<20 {
            let redis = try RedisConnection(host: "127.0.0.1", port: server.tlsPort, tls: tls)
            #expect(try redis.command(["PING"]) == .status("PONG"))
        }
        // Twenty connections were opened and dropped: the server lists only the probe.
        let clients = try server.connect().command(["CLIENT", "LIST"])
        if case .string(let list) = clients {
            #expect(list.split(separator: "\n").count <= 2)
        } else {
            Issue.record("CLIENT LIST answered \(clients)")
        }
        let redis = try RedisConnection(host: "127.0.0.1", port: server.tlsPort, tls: tls, timeout: .seconds(2))
        #expect(try redis.command(["PING"]) == .status("PONG"))
        server.stop()
        #expect(throws: RedisError.self) { _ = try redis.command(["PING"]) }
    }
}
