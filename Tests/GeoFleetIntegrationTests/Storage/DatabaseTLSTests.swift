import Foundation
@testable import GeoFleetArchive
import GeoFleetLibPQ
import GeoFleetPlatform
import GeoFleetPostGIS
import GeoFleetTestSupport
import NIOPosix
import PostgresNIO
import Testing

/// `sslmode` in GEOFLEET_DATABASE_URL is honoured, with libpq's meaning.
@Suite("Database TLS", .serialized)
struct DatabaseTLSTests {
    static let log = testLogger("tls")

    @Test("sslmode, sslrootcert and hostaddr are read from the URL; TCP defaults to prefer, like libpq")
    func urlParsing() throws {
        let plain = try DatabaseEndpoint(url: "postgres://u:p@db.example:6543/fleet")
        #expect(plain.address == .tcp(host: "db.example", port: 6543))
        #expect(plain.tls.mode == .prefer)
        #expect(plain.connectionConfiguration.tls.isAllowed && !plain.connectionConfiguration.tls.isEnforced)

        let off = try DatabaseEndpoint(url: "postgres://u@db.example/fleet?sslmode=disable")
        #expect(off.tls.mode == .disable && !off.connectionConfiguration.tls.isAllowed)

        let required = try DatabaseEndpoint(url: "postgresql://u@db.example/fleet?sslmode=require")
        #expect(required.tls.mode == .require && required.connectionConfiguration.tls.isEnforced)

        let full = try DatabaseEndpoint(url: "postgres://u@db.example/fleet?sslmode=verify-full&hostaddr=10.1.2.3")
        #expect(full.tls.mode == .verifyFull && full.tls.serverName == "db.example")
        #expect(full.address == .tcp(host: "10.1.2.3", port: 5432))
        #expect(full.connectionConfiguration.options.tlsServerName == "db.example")
        #expect(full.connectionConfiguration.tls.isEnforced)
        #expect(full.description == "postgres://u@db.example:5432/fleet?hostaddr=10.1.2.3&sslmode=verify-full")

        #expect(try DatabaseEndpoint(url: "postgres://u@h/d?sslmode=verify-ca").tls.mode == .verifyCA)
        #expect(try DatabaseEndpoint(url: "postgres://u@h/d?sslmode=allow").tls.mode == .allow)

        // A unix socket never uses TLS, whatever the mode says.
        let socket = try DatabaseEndpoint(url: "postgresql:///fleet?host=/run/pg&port=5433&user=u&sslmode=require")
        #expect(socket.address == .unixSocket(path: "/run/pg/.s.PGSQL.5433"))
        #expect(!socket.connectionConfiguration.tls.isAllowed)

        let unknown = #expect(throws: DatabaseError.self) { try DatabaseEndpoint(url: "postgres://u@h/d?sslmode=required") }
        #expect(unknown.map { "\($0)".contains("unknown sslmode \"required\"") && "\($0)".contains("verify-full") } == true)
        #expect(throws: DatabaseError.self) { try DatabaseEndpoint(url: "postgres://u@h/d?sslmode=verify-ca&sslrootcert=/nonexistent/root.crt") }
        #expect(throws: DatabaseError.self) { try DatabaseEndpoint(url: "postgres://u@h:70000/d") }
    }

    static func sslInUse(_ endpoint: DatabaseEndpoint) async throws -> Bool {
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: endpoint.connectionConfiguration, id: 1, logger: log)
        do {
            var ssl = false
            for try await value in try await connection.query(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: log
            ).decode(Bool.self) {
                ssl = value
            }
            try await connection.close()
            return ssl
        } catch {
            try? await connection.close()
            throw error
        }
    }

    @Test("against a TLS-only server: require and verify-ca connect encrypted, verify-full checks the host name, disable is refused")
    func tlsServer() async throws {
        let server = try TLSTestCluster.start(name: "tls", certificateName: "localhost")
        let user = server.cluster.endpoint().username
        let root = server.certificatePath
        func url(_ query: String, host: String = "localhost") -> String { "postgres://\(user)@\(host):\(server.port)/postgres?\(query)" }

        #expect(try await Self.sslInUse(DatabaseEndpoint(url: url("sslmode=require"))))
        #expect(try await Self.sslInUse(DatabaseEndpoint(url: url("sslmode=prefer"))))
        #expect(try await Self.sslInUse(DatabaseEndpoint(url: url("sslmode=verify-ca&sslrootcert=\(root)"))))
        #expect(try await Self.sslInUse(DatabaseEndpoint(url: url("sslmode=verify-full&sslrootcert=\(root)"))))
        // The certificate says "localhost"; a client that was told the server is someone else refuses it…
        await #expect(throws: (any Error).self) {
            _ = try await Self.sslInUse(
                DatabaseEndpoint(url: url("sslmode=verify-full&sslrootcert=\(root)&hostaddr=127.0.0.1", host: "db.geofleet.test")))
        }
        // …while verify-ca, which does not check names, takes the same server.
        #expect(
            try await Self.sslInUse(DatabaseEndpoint(url: url("sslmode=verify-ca&sslrootcert=\(root)&hostaddr=127.0.0.1", host: "db.geofleet.test"))))
        // Without the root, a self-signed certificate is not trusted by verify-ca.
        await #expect(throws: (any Error).self) { _ = try await Self.sslInUse(DatabaseEndpoint(url: url("sslmode=verify-ca"))) }
        // The server only takes TLS on TCP: a plaintext client (the old behaviour) is turned away.
        await #expect(throws: (any Error).self) { _ = try await Self.sslInUse(DatabaseEndpoint(url: url("sslmode=disable"))) }
        try server.cluster.stop()
    }

    /// Whether libpq (the binary COPY paths) reaches the endpoint encrypted.
    static func libpqSSL(_ endpoint: DatabaseEndpoint) throws -> Bool {
        let connection = try LibPQConnection(parameters: endpoint.libpqParameters(applicationName: "tls-test"), deadline: .now + .seconds(10))
        defer { connection.close() }
        let rows = try connection.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", deadline: .now + .seconds(10))
        return rows.scalar == "t"
    }

    /// Whether psql (archive restore) reaches the endpoint encrypted: it exits 0 only over TLS.
    static func psqlSSL(_ endpoint: DatabaseEndpoint) throws -> Bool {
        let psql = PsqlCommand(endpoint: endpoint)
        let check = """
            DO $$ BEGIN IF NOT (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()) THEN RAISE EXCEPTION 'plaintext'; END IF; END $$
            """
        return try ChildProcess.run(PsqlCommand.executable, psql.arguments(check)).status == 0
    }

    @Test("libpq and psql honour the same sslmode: encrypted under verify-full, a wrong host name refused, plaintext refused")
    func libpqAndPsql() async throws {
        let server = try TLSTestCluster.start(name: "tls-libpq", certificateName: "localhost")
        let user = server.cluster.endpoint().username
        let root = server.certificatePath
        func endpoint(_ query: String, host: String = "localhost") throws -> DatabaseEndpoint {
            try DatabaseEndpoint(url: "postgres://\(user)@\(host):\(server.port)/postgres?\(query)")
        }
        let full = try endpoint("sslmode=verify-full&sslrootcert=\(root)")
        #expect(try Self.libpqSSL(full))
        #expect(try Self.psqlSSL(full))
        #expect(try Self.libpqSSL(try endpoint("sslmode=require")))
        #expect(try Self.psqlSSL(try endpoint("sslmode=require")))
        let misnamed = try endpoint("sslmode=verify-full&sslrootcert=\(root)&hostaddr=127.0.0.1", host: "db.geofleet.test")
        #expect(throws: (any Error).self) { _ = try Self.libpqSSL(misnamed) }
        #expect(try Self.psqlSSL(misnamed) == false)
        #expect(try Self.psqlSSL(try endpoint("sslmode=verify-ca&sslrootcert=\(root)&hostaddr=127.0.0.1", host: "db.geofleet.test")))
        #expect(throws: (any Error).self) { _ = try Self.libpqSSL(try endpoint("sslmode=disable")) }
        #expect(try Self.psqlSSL(try endpoint("sslmode=disable")) == false)
        try server.cluster.stop()
    }
}
