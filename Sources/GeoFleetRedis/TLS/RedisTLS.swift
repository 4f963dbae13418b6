import NIOSSL

/// TLS settings of a `rediss://` connection: whom to trust, and the client certificate Redis's
/// `tls-auth-clients` asks for.
public struct RedisTLS: Sendable {
    /// The name the server's certificate must carry (and the SNI sent); nil skips the host-name check.
    public var serverName: String?
    let context: NIOSSLContext

    /// `caFile`: PEM roots to trust (the system's without it); `verify: false` accepts any certificate
    /// (redis-py's `ssl_cert_reqs=none`); `certificateFile`/`keyFile`: the client's own, in PEM.
    public init(serverName: String?, caFile: String?, verify: Bool = true, certificateFile: String? = nil, keyFile: String? = nil) throws {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile { configuration.trustRoots = .file(caFile) }
        configuration.certificateVerification = verify ? (serverName == nil ? .noHostnameVerification : .fullVerification) : .none
        if let certificateFile, let keyFile {
            configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
        }
        self.serverName = serverName
        self.context = try NIOSSLContext(configuration: configuration)
    }
}
