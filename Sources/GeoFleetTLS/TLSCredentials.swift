import Logging
import Metrics
import NIOCore
import NIOSSL
import Synchronization

/// The listeners' certificate chain, key and optional client CA, read from PEM files; `reload()` (SIGHUP)
/// swaps in fresh contexts for new connections while open ones keep the context they started with.
public final class TLSCredentials: Sendable {
    /// Where the PEM files are (`GEOFLEET_TLS_CERT`, `GEOFLEET_TLS_KEY`, `GEOFLEET_TLS_CLIENT_CA`).
    public struct Files: Sendable, Equatable {
        public var certificate: String
        public var key: String
        /// CAs for client certificates: set, a client is asked for one (optional) and a presented one must verify.
        public var clientCA: String?

        public init(certificate: String, key: String, clientCA: String? = nil) {
            self.certificate = certificate
            self.key = key
            self.clientCA = clientCA
        }
    }

    /// One loaded generation of the files.
    public struct Contexts: Sendable {
        /// For device listeners: no ALPN.
        public let devices: NIOSSLContext
        /// For the API: ALPN `h2` and `http/1.1`.
        public let api: NIOSSLContext
        /// The leaf certificate's serial number in hex, for logs.
        public let serial: String
    }

    /// How long a TLS client may take from connect to a finished handshake.
    public static let handshakeTimeout: TimeAmount = .seconds(10)

    public let files: Files
    private let current: Mutex<Contexts>
    private let logger: Logger
    private let reloads = Counter(label: "geofleet_tls_reloads_total", dimensions: [("result", "ok")])
    private let failedReloads = Counter(label: "geofleet_tls_reloads_total", dimensions: [("result", "failed")])

    /// Loads the files now: an unreadable or mismatched file fails the start.
    public init(files: Files, logger: Logger) throws {
        let contexts = try Self.load(files)
        self.files = files
        self.current = Mutex(contexts)
        self.logger = logger
        logger.info(
            "TLS certificate loaded",
            metadata: [
                "certificate": "\(files.certificate)", "serial": "\(contexts.serial)",
                "clientCA": "\(files.clientCA ?? "none")",
            ])
    }

    /// The contexts new connections use.
    public var contexts: Contexts { current.withLock { $0 } }

    /// Reads the files again; on success new connections use them, on failure (logged, counted) the old
    /// contexts stay. Reads files: call it off the event loops.
    @discardableResult
    public func reload() -> Bool {
        do {
            let contexts = try Self.load(files)
            current.withLock { $0 = contexts }
            reloads.increment()
            logger.info("TLS certificate reloaded", metadata: ["certificate": "\(files.certificate)", "serial": "\(contexts.serial)"])
            return true
        } catch {
            failedReloads.increment()
            logger.error(
                "TLS reload failed; new connections keep the previous certificate",
                metadata: ["certificate": "\(files.certificate)", "error": "\(error)"])
            return false
        }
    }

    /// The TLS handler and its handshake guard, for the front of a connection's pipeline.
    public func serverHandlers(
        api: Bool = false, listener: String, timeout: TimeAmount = TLSCredentials.handshakeTimeout
    ) -> [any ChannelHandler] {
        let contexts = self.contexts
        return [
            NIOSSLServerHandler(context: api ? contexts.api : contexts.devices),
            TLSHandshakeGuard(listener: listener, timeout: timeout, logger: logger),
        ]
    }

    static func load(_ files: Files) throws -> Contexts {
        let chain = try NIOSSLCertificate.fromPEMFile(files.certificate)
        guard let leaf = chain.first else { throw TLSCredentialsError(file: files.certificate, reason: "no certificate in the file") }
        let key = try NIOSSLPrivateKey(file: files.key, format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        if let clientCA = files.clientCA {
            let roots = try NIOSSLCertificate.fromPEMFile(clientCA)
            guard !roots.isEmpty else { throw TLSCredentialsError(file: clientCA, reason: "no certificate in the file") }
            configuration.trustRoots = .certificates(roots)
            // Asks for a client certificate; none is fine, but one that does not verify fails the handshake.
            configuration.certificateVerification = .optionalVerification
        }
        let devices = try NIOSSLContext(configuration: configuration)
        configuration.applicationProtocols = ["h2", "http/1.1"]
        let api = try NIOSSLContext(configuration: configuration)
        return Contexts(devices: devices, api: api, serial: leaf.serialNumber.map { hex($0) }.joined())
    }
}

private func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
}

/// A PEM file that could be read but holds nothing usable.
public struct TLSCredentialsError: Error, CustomStringConvertible {
    public var file: String
    public var reason: String

    public var description: String { "\(file): \(reason)" }
}
