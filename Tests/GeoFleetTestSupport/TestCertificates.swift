import Foundation
import GeoFleetPlatform
import NIOSSL

/// Certificates for TLS tests, made with Debian's `openssl` in a temporary directory: a CA, a server
/// certificate for `localhost` / 127.0.0.1 and a client certificate from it, and a second CA nobody
/// trusts with a client certificate of its own. P-256 keys: quick to make.
public struct TestCertificates: Sendable {
    public let directory: TemporaryDirectory
    /// The trusted CA.
    public let caCertificate: String
    public let caKey: String
    /// Leaf first, then the CA: a chain, as a server may be configured.
    public let serverCertificate: String
    public let serverKey: String
    public let clientCertificate: String
    public let clientKey: String
    /// A CA nobody trusts, and a client certificate it issued.
    public let rogueCA: String
    public let rogueClientCertificate: String
    public let rogueClientKey: String

    public static func make() throws -> TestCertificates {
        let directory = try TemporaryDirectory(prefix: "tls")
        let d = directory.path
        try selfSigned(name: "GeoFleet Test CA", key: d + "/ca.key", certificate: d + "/ca.crt", isCA: true)
        try selfSigned(name: "Rogue CA", key: d + "/rogue-ca.key", certificate: d + "/rogue-ca.crt", isCA: true)
        let certificates = TestCertificates(
            directory: directory, caCertificate: d + "/ca.crt", caKey: d + "/ca.key",
            serverCertificate: d + "/server.crt", serverKey: d + "/server.key",
            clientCertificate: d + "/client.crt", clientKey: d + "/client.key",
            rogueCA: d + "/rogue-ca.crt", rogueClientCertificate: d + "/rogue-client.crt", rogueClientKey: d + "/rogue-client.key")
        try certificates.issueServerCertificate(certificate: certificates.serverCertificate, key: certificates.serverKey)
        try issue(
            name: "device-client", usage: "clientAuth", caCertificate: d + "/ca.crt", caKey: d + "/ca.key",
            certificate: certificates.clientCertificate, key: certificates.clientKey)
        try issue(
            name: "rogue-client", usage: "clientAuth", caCertificate: d + "/rogue-ca.crt", caKey: d + "/rogue-ca.key",
            certificate: certificates.rogueClientCertificate, key: certificates.rogueClientKey)
        return certificates
    }

    /// A fresh server certificate (new key, new serial) from the trusted CA, written as leaf + CA chain.
    /// A host-name test needs `san` without the IP: SwiftNIO SSL accepts an IP SAN matching the socket's
    /// address whatever name was asked for.
    public func issueServerCertificate(certificate: String, key: String, san: String = "DNS:localhost,IP:127.0.0.1") throws {
        try Self.issue(
            name: "localhost", usage: "serverAuth", san: san, caCertificate: caCertificate, caKey: caKey,
            certificate: certificate, key: key)
        let chain = try String(contentsOfFile: certificate, encoding: .utf8) + String(contentsOfFile: caCertificate, encoding: .utf8)
        try chain.write(toFile: certificate, atomically: true, encoding: .utf8)
    }

    /// A client context trusting `trusting` (the test CA by default), with a client certificate when given.
    public func clientContext(
        trusting: String? = nil, certificate: String? = nil, key: String? = nil, applicationProtocols: [String] = []
    ) throws -> NIOSSLContext {
        try NIOSSLContext(
            configuration: clientConfiguration(trusting: trusting, certificate: certificate, key: key, applicationProtocols: applicationProtocols))
    }

    /// The TLS configuration of ``clientContext(trusting:certificate:key:applicationProtocols:)``.
    public func clientConfiguration(
        trusting: String? = nil, certificate: String? = nil, key: String? = nil, applicationProtocols: [String] = []
    ) throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(trusting ?? caCertificate))
        if let certificate, let key {
            configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
        }
        configuration.applicationProtocols = applicationProtocols
        return configuration
    }

    /// The serial number of the first certificate in a PEM file.
    public static func serial(of path: String) throws -> [UInt8] {
        try NIOSSLCertificate.fromPEMFile(path).first?.serialNumber ?? []
    }

    /// A self-signed certificate naming `name` (a CA, or a server certificate with `name` as its DNS name).
    public static func selfSigned(name: String, key: String, certificate: String, isCA: Bool = false, rsa: Bool = false) throws {
        let keyOptions = rsa ? ["-newkey", "rsa:2048"] : ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
        let extensions =
            isCA
            ? ["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]
            : ["-addext", "subjectAltName=DNS:\(name)"]
        try openssl(
            ["req", "-x509"] + keyOptions + ["-nodes", "-days", "2", "-keyout", key, "-out", certificate, "-subj", "/CN=\(name)"] + extensions)
    }

    /// A leaf certificate from a CA, with a random serial.
    static func issue(
        name: String, usage: String, san: String? = nil, caCertificate: String, caKey: String, certificate: String, key: String
    ) throws {
        let request = certificate + ".csr"
        let extensionsFile = certificate + ".ext"
        defer {
            try? FileManager.default.removeItem(atPath: request)
            try? FileManager.default.removeItem(atPath: extensionsFile)
        }
        try openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", request, "-subj", "/CN=\(name)",
        ])
        var extensions = "basicConstraints=CA:FALSE\nextendedKeyUsage=\(usage)\n"
        if let san { extensions += "subjectAltName=\(san)\n" }
        try extensions.write(toFile: extensionsFile, atomically: true, encoding: .utf8)
        var generator = SystemRandomNumberGenerator()
        let serial = "0x" + String(generator.next() as UInt64 | 1 << 62, radix: 16)
        try openssl([
            "x509", "-req", "-in", request, "-CA", caCertificate, "-CAkey", caKey, "-set_serial", serial, "-days", "2", "-out", certificate,
            "-extfile", extensionsFile,
        ])
    }

    static func openssl(_ arguments: [String]) throws {
        let result = try ChildProcess.run("/usr/bin/openssl", arguments)
        guard result.status == 0 else { throw TLSTestClusterError.command("openssl \(arguments.first ?? "")", result.output) }
    }
}
