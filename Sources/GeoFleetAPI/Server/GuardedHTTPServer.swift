import GeoFleetIngest
import GeoFleetTLS
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdHTTP2
import HummingbirdWebSocket
import Logging
import Metrics
import NIOCore

/// The API's HTTP/1.1 + WebSocket listener with its limits: connection caps (in all and per address,
/// the same ``ConnectionLimiter`` the device listeners use) and a header deadline on every connection
/// before any HTTP parsing, a body deadline and an idle timeout after it. With TLS, the same port also
/// speaks HTTPS (HTTP/2 and HTTP/1.1 by ALPN) behind the same guards.
public enum GuardedHTTPServer {
    /// TLS on the API port.
    public struct TLS: Sendable {
        public var credentials: TLSCredentials
        /// Whether plain HTTP connections are still served (`GEOFLEET_HTTP_PLAIN`).
        public var plainHTTP: Bool

        public init(credentials: TLSCredentials, plainHTTP: Bool) {
            self.credentials = credentials
            self.plainHTTP = plainHTTP
        }
    }

    /// Builds Hummingbird's HTTP/1 + WebSocket-upgrade channel wrapped in the guards of `limits`; with
    /// `tls`, HTTPS and HTTP/2 on the same port.
    public static func http1WebSocketUpgrade<WSResponderBuilder: HTTPResponderBuilder>(
        webSocketRouter: WSResponderBuilder, limits: APIServerLimits, tls: TLS? = nil
    ) -> HTTPServerBuilder where WSResponderBuilder.Responder.Context: WebSocketRequestContext {
        let webSocketResponder = webSocketRouter.buildResponder()
        let limiter = ConnectionLimiter(maxConnections: limits.maxConnections, maxPerIP: limits.maxConnectionsPerIP)
        let refused = Counter(label: "geofleet_http_connections_refused_total")
        let headerExpired = Counter(label: "geofleet_http_timeouts_total", dimensions: [("phase", "header")])
        let bodyExpired = Counter(label: "geofleet_http_timeouts_total", dimensions: [("phase", "body")])
        let bodyTimeout = TimeAmount.seconds(Int64(limits.bodyTimeoutSeconds))
        let deadlineLogger = Logger(label: "geofleet.api")
        let headerTimeout = TimeAmount.seconds(Int64(limits.headerTimeoutSeconds))
        return HTTPServerBuilder { responder in
            let http1 = HTTP1WebSocketUpgradeChannel(
                responder: responder, webSocketResponder: webSocketResponder,
                configuration: .init(
                    http1: .init(
                        additionalChannelHandlers: [
                            RequestDeadlineHandler(timeout: bodyTimeout, start: .requestHead, closed: bodyExpired, logger: deadlineLogger),
                            TransportMarkHandler(inStream: false),
                        ],
                        idleTimeout: .seconds(Int64(limits.idleTimeoutSeconds))),
                    ws: .init()))
            guard let tls else {
                return GuardedChildChannel(
                    inner: http1, limiter: limiter, refused: refused, headerTimeout: headerTimeout, headerExpired: headerExpired)
            }
            let http2 = HTTP2Channel(
                responder: responder,
                configuration: .init(
                    idleTimeout: .seconds(limits.idleTimeoutSeconds),
                    streamConfiguration: .init(additionalChannelHandlers: [
                        RequestDeadlineHandler(timeout: bodyTimeout, start: .requestHead, closed: bodyExpired, logger: deadlineLogger),
                        TransportMarkHandler(inStream: true),
                    ])))
            let inner = SniffedTLSChannel(
                http1: http1, http2: http2, credentials: tls.credentials, plainHTTP: tls.plainHTTP, handshakeTimeout: headerTimeout)
            return GuardedChildChannel(
                inner: inner, limiter: limiter, refused: refused, headerTimeout: headerTimeout, headerExpired: headerExpired)
        }
    }
}

/// Adds the connection-level guards in front of another child channel's pipeline.
struct GuardedChildChannel<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value

    struct Refused: Error {}

    let inner: Inner
    let limiter: ConnectionLimiter
    let refused: Counter
    let headerTimeout: TimeAmount
    let headerExpired: Counter

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let address = channel.remoteAddress?.ipAddress ?? "?"
        guard limiter.acquire(address) else {
            refused.increment()
            logger.debug("connection refused: connection cap reached", metadata: ["remote": "\(address)"])
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(Refused())
        }
        channel.closeFuture.whenComplete { _ in limiter.release(address) }
        do {
            try channel.pipeline.syncOperations.addHandler(HeaderDeadlineHandler(timeout: headerTimeout, expired: headerExpired))
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}
