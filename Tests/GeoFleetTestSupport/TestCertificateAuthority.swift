import Foundation
import GeoFleetPlatform

/// A certificate authority of a test's own, made with Debian's `openssl`: its root, and server and
/// client certificates it signs (PEM files in a private temporary directory).
public struct TestCertificateAuthority: Sendable {
    public let directory: String
    public let name: String
    /// The CA's certificate: the root a client or server trusts.
    public var rootPath: String { "\(directory)/\(name)-ca.crt" }
    var keyPath: String { "\(directory)/\(name)-ca.key" }

    /// A certificate and its key.
    public struct Issued: Sendable {
        public let certificatePath: String
        public let keyPath: String
    }

    public init(name: String = "test", directory: String? = nil) throws {
        let directory = directory ?? NSTemporaryDirectory() + "geofleet-ca-\(UUIDString.random())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        self.directory = directory
        self.name = name
        try Self.openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-keyout", keyPath, "-out", rootPath,
            "-subj", "/CN=GeoFleet test CA \(name)", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
    }

    /// A server certificate for `names` (DNS names; IP addresses become IP SANs).
    public func server(_ file: String, names: [String] = ["localhost", "127.0.0.1"]) throws -> Issued {
        let sans = names.map { $0.first?.isNumber == true ? "IP:\($0)" : "DNS:\($0)" }.joined(separator: ",")
        return try issue(file, subject: "/CN=\(names.first ?? "localhost")", extensions: "subjectAltName=\(sans)\nextendedKeyUsage=serverAuth")
    }

    /// A client certificate for `commonName`.
    public func client(_ file: String, commonName: String) throws -> Issued {
        try issue(file, subject: "/CN=\(commonName)", extensions: "extendedKeyUsage=clientAuth")
    }

    private func issue(_ file: String, subject: String, extensions: String) throws -> Issued {
        let key = "\(directory)/\(file).key"
        let request = "\(directory)/\(file).csr"
        let certificate = "\(directory)/\(file).crt"
        let ext = "\(directory)/\(file).ext"
        try Data((extensions + "\n").utf8).write(to: URL(fileURLWithPath: ext))
        try Self.openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", request, "-subj", subject])
        try Self.openssl([
            "x509", "-req", "-in", request, "-CA", rootPath, "-CAkey", keyPath, "-CAcreateserial", "-days", "2", "-out", certificate,
            "-extfile", ext,
        ])
        return Issued(certificatePath: certificate, keyPath: key)
    }

    static func openssl(_ arguments: [String]) throws {
        let result = try ChildProcess.run("/usr/bin/openssl", arguments)
        guard result.status == 0 else { throw TLSTestClusterError.command("openssl \(arguments.first ?? "")", result.output) }
    }

    /// Removes the files.
    public func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
