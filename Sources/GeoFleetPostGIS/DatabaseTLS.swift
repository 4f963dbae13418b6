import NIOSSL
import PostgresNIO

/// TLS for a TCP connection to PostgreSQL, as libpq's `sslmode` and `sslrootcert` describe it.
///
/// libpq semantics: `prefer` and `require` encrypt without checking the certificate (`require`
/// with an `sslrootcert` checks the chain, as libpq does); `verify-ca` checks the chain against
/// `sslrootcert` (the system's roots without it); `verify-full` also checks the host name.
/// Unix sockets never use TLS (they do not leave the machine).
public struct DatabaseTLS: Sendable, Hashable {
    /// The `sslmode` values libpq knows.
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        case disable
        /// libpq tries plaintext first; postgres-nio can only try TLS first, so this acts as `prefer`.
        case allow
        case prefer
        case require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public let mode: Mode
    /// `sslrootcert`: a PEM file of the certificate authorities to trust.
    public let rootCertificate: String?
    /// The name the certificate must carry under `verify-full` (and sent as SNI) when it is not the
    /// host connected to (libpq's `host` beside `hostaddr`).
    public let serverName: String?
    /// Built once from the settings, so a bad `sslrootcert` fails at start, not at each connect.
    let context: NIOSSLContext?
    let configuration: TLSConfiguration?

    /// No TLS.
    public static let disabled = DatabaseTLS(mode: .disable, rootCertificate: nil, serverName: nil, context: nil, configuration: nil)

    private init(mode: Mode, rootCertificate: String?, serverName: String?, context: NIOSSLContext?, configuration: TLSConfiguration?) {
        self.mode = mode
        self.rootCertificate = rootCertificate
        self.serverName = serverName
        self.context = context
        self.configuration = configuration
    }

    /// Throws `DatabaseError.tls` when the root certificate file cannot be used.
    public init(mode: Mode, rootCertificate: String? = nil, serverName: String? = nil) throws {
        guard mode != .disable else {
            self.init(mode: mode, rootCertificate: nil, serverName: serverName, context: nil, configuration: nil)
            return
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        switch mode {
        case .disable, .allow, .prefer:
            tls.certificateVerification = .none
        case .require:
            tls.certificateVerification = rootCertificate == nil ? .none : .noHostnameVerification
        case .verifyCA:
            tls.certificateVerification = .noHostnameVerification
        case .verifyFull:
            tls.certificateVerification = .fullVerification
        }
        if let rootCertificate { tls.trustRoots = .file(rootCertificate) }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: tls)
        } catch {
            throw DatabaseError.tls("cannot use sslrootcert \(rootCertificate ?? "(system roots)"): \(error)")
        }
        self.init(mode: mode, rootCertificate: rootCertificate, serverName: serverName, context: context, configuration: tls)
    }

    public static func == (a: DatabaseTLS, b: DatabaseTLS) -> Bool {
        a.mode == b.mode && a.rootCertificate == b.rootCertificate && a.serverName == b.serverName
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(mode)
        hasher.combine(rootCertificate)
        hasher.combine(serverName)
    }

    /// For a single `PostgresConnection`.
    var connectionTLS: PostgresConnection.Configuration.TLS {
        guard let context else { return .disable }
        switch mode {
        case .disable: return .disable
        case .allow, .prefer: return .prefer(context)
        case .require, .verifyCA, .verifyFull: return .require(context)
        }
    }

    /// For a pooled `PostgresClient`.
    var clientTLS: PostgresClient.Configuration.TLS {
        guard let configuration else { return .disable }
        switch mode {
        case .disable: return .disable
        case .allow, .prefer: return .prefer(configuration)
        case .require, .verifyCA, .verifyFull: return .require(configuration)
        }
    }
}
