import HTTPTypes
import NIOCore
import NIOHTTPTypes
import NIOSSL

/// What the connection under a request was, as the API may ask: `Strict-Transport-Security` on every
/// response that went over TLS, and a mark on requests whose client presented a verified certificate.
///
/// The mark is a header carrying a value secret to this process, set here and stripped from whatever the
/// client sent, so no client can forge it (not even on a path that bypasses this handler, such as a
/// WebSocket upgrade request: that never carries the secret).
final class TransportMarkHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// One year, as browsers' preload lists expect at least.
    static let hsts = "max-age=31536000"

    /// HTTP/2 streams: the TLS handler is in the connection's pipeline, the stream channel's parent.
    private let inStream: Bool
    private var overTLS = false
    private var verifiedClient = false

    init(inStream: Bool) {
        self.inStream = inStream
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // Only a stream's parent shares its event loop; an HTTP/1.1 connection's parent is the listening socket.
        let pipeline = inStream ? context.channel.parent?.pipeline.syncOperations : context.pipeline.syncOperations
        let tls = try? pipeline?.handler(type: NIOSSLServerHandler.self)
        overTLS = tls != nil
        // With a client CA a presented certificate that does not verify fails the handshake: presented means verified.
        verifiedClient = tls?.peerCertificate != nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var request) = unwrapInboundIn(data) else {
            context.fireChannelRead(data)
            return
        }
        request.headerFields[ClientCertificateMark.field] = verifiedClient ? ClientCertificateMark.verified : nil
        context.fireChannelRead(wrapInboundOut(.head(request)))
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard overTLS, case .head(var response) = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        response.headerFields[.strictTransportSecurity] = Self.hsts
        context.write(wrapOutboundOut(.head(response)), promise: promise)
    }
}

/// The request header that says the client presented a verified TLS certificate (see ``TransportMarkHandler``).
public enum ClientCertificateMark {
    static let field = HTTPField.Name("X-GeoFleet-Client-Certificate")!
    /// Random per process: only ``TransportMarkHandler`` knows it.
    static let verified: String = {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(generator.next() as UInt64, radix: 16) }.joined()
    }()

    /// Whether `request` came over TLS from a client with a verified certificate.
    public static func isVerified(_ fields: HTTPFields) -> Bool {
        fields[field] == verified
    }
}
