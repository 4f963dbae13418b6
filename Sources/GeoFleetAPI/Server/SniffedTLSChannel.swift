import GeoFleetTLS
import HummingbirdCore
import HummingbirdHTTP2
import HummingbirdWebSocket
import Logging
import Metrics
import NIOCore
import NIOTLS

/// One API port for HTTPS and plain HTTP: the first byte tells a TLS handshake from a request line. Over
/// TLS, ALPN picks HTTP/2 (Hummingbird's ``HTTP2Channel``) or HTTP/1.1 with the WebSocket upgrade; plain
/// connections get HTTP/1.1 with the upgrade, or are closed when plain HTTP is off.
///
/// Expects ``GuardedChildChannel`` in front: its header deadline, behind the TLS handler here, covers the
/// wait for the first byte, the handshake and the first request head.
struct SniffedTLSChannel: ServerChildChannel {
    enum Negotiated: Sendable {
        case http1(HTTP1WebSocketUpgradeChannel.Value)
        case http2(HTTP2Channel.Value)
    }

    struct Value: ServerChildChannelValue {
        let channel: any Channel
        let negotiated: EventLoopFuture<Negotiated>
    }

    let http1: HTTP1WebSocketUpgradeChannel
    let http2: HTTP2Channel
    let credentials: TLSCredentials
    let plainHTTP: Bool
    let handshakeTimeout: TimeAmount
    let plainRefused = Counter(label: "geofleet_http_plain_refused_total")

    struct UnexpectedProtocol: Error {}

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let negotiated = channel.eventLoop.makePromise(of: Negotiated.self)
        let sniffer = TLSSniffer(negotiated: negotiated) { context, isTLS in
            isTLS ? startTLS(context, logger: logger) : startPlain(context, logger: logger)
        }
        do {
            try channel.pipeline.syncOperations.addHandler(sniffer, position: ChannelPipeline.SynchronousOperations.Position.first)
        } catch {
            // The sniffer never got to answer the promise: nothing may be left waiting on it.
            negotiated.fail(error)
            return channel.eventLoop.makeFailedFuture(error)
        }
        return channel.eventLoop.makeSucceededFuture(Value(channel: channel, negotiated: negotiated.futureResult))
    }

    private func startPlain(_ context: ChannelHandlerContext, logger: Logger) -> EventLoopFuture<Negotiated>? {
        guard plainHTTP else {
            plainRefused.increment()
            logger.debug(
                "plain HTTP connection closed: GEOFLEET_HTTP_PLAIN=off", metadata: ["remote": "\(context.remoteAddress.map { "\($0)" } ?? "?")"])
            context.close(promise: nil)
            return nil
        }
        return http1.setup(channel: context.channel, logger: logger).map { .http1($0) }
    }

    private func startTLS(_ context: ChannelHandlerContext, logger: Logger) -> EventLoopFuture<Negotiated>? {
        let http1 = self.http1
        let http2 = self.http2
        let alpn = NIOTypedApplicationProtocolNegotiationHandler<Negotiated> { result, channel in
            switch result {
            case .negotiated("h2"):
                return http2.setup(channel: channel, logger: logger).map { .http2($0) }
            case .negotiated("http/1.1"), .fallback:
                return http1.setup(channel: channel, logger: logger).map { .http1($0) }
            case .negotiated:
                // Only h2 and http/1.1 are offered: anything else is a broken client.
                channel.close(promise: nil)
                return channel.eventLoop.makeFailedFuture(UnexpectedProtocol())
            }
        }
        do {
            let pipeline = context.pipeline.syncOperations
            // Right behind the sniffer, so that everything after (the header deadline, HTTP) sees plaintext.
            try pipeline.addHandlers(
                credentials.serverHandlers(api: true, listener: "api", timeout: handshakeTimeout),
                position: ChannelPipeline.SynchronousOperations.Position.after(context.handler))
            try pipeline.addHandler(alpn)
        } catch {
            context.close(promise: nil)
            return nil
        }
        return alpn.protocolNegotiationResult
    }

    func handle(value: Value, logger: Logger) async {
        guard let negotiated = try? await value.negotiated.get() else { return }
        switch negotiated {
        case .http1(let connection):
            await http1.handle(value: connection, logger: logger)
        case .http2(let connection):
            await http2.handle(value: connection, logger: logger)
        }
    }
}
