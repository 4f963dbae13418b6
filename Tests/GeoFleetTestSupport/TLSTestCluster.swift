import Foundation
import GeoFleetPlatform
import GeoFleetPostGIS
#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL cluster of a test's own that also listens on 127.0.0.1, TLS only, with a
/// self-signed certificate (made with openssl) naming `certificateName`.
public struct TLSTestCluster: Sendable {
    public let cluster: EmbeddedPostgres
    /// The TCP port on 127.0.0.1.
    public let port: Int
    /// The server's certificate (self-signed: also the root to trust).
    public let certificatePath: String

    /// Creates and starts the cluster; it is stopped at process exit like the other test clusters.
    public static func start(name: String, certificateName: String) throws -> TLSTestCluster {
        let base = FileManager.default.temporaryDirectory.path + "/geofleet-tests-\(getpid())"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        let port = try freePort()
        // TCP only with TLS: a plaintext connection is turned away, so a success proves encryption.
        let cluster = EmbeddedPostgres(
            directory: "\(base)/\(name)", port: port, maxConnections: 20,
            extraAccessRules: ["hostnossl all all 127.0.0.1/32 reject", "hostssl all all 127.0.0.1/32 trust"],
            logger: testLogger("postgres-tls"))
        try ClusterRegistry.register(cluster.directory)
        try cluster.start()

        let data = cluster.directory + "/data"
        let key = data + "/server.key"
        let certificate = data + "/server.crt"
        try TestCertificates.selfSigned(name: certificateName, key: key, certificate: certificate, rsa: true)
        if geteuid() == 0 {
            try check(ChildProcess.run("/bin/chown", ["postgres:postgres", key, certificate]), "chown")
        }
        try check(ChildProcess.run("/bin/chmod", ["0600", key]), "chmod")
        // The client reads the certificate as its trusted root: a copy outside the private data dir.
        let trusted = cluster.directory + "/root.crt"
        try? FileManager.default.removeItem(atPath: trusted)
        try FileManager.default.copyItem(atPath: certificate, toPath: trusted)

        try append(
            "\nlisten_addresses = '127.0.0.1'\nssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n",
            to: data + "/postgresql.conf")
        try cluster.stop()
        try cluster.start()
        return TLSTestCluster(cluster: cluster, port: port, certificatePath: trusted)
    }

    /// A port the kernel just handed out on 127.0.0.1 (closed again, so PostgreSQL can take it).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TLSTestClusterError.socket }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw TLSTestClusterError.socket }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func check(_ result: ChildProcess.Result, _ what: String) throws {
        guard result.status == 0 else { throw TLSTestClusterError.command(what, result.output) }
    }

    static func append(_ text: String, to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }
}

/// Why a TLS test cluster could not be set up.
public enum TLSTestClusterError: Error {
    case socket
    case command(String, String)
}
