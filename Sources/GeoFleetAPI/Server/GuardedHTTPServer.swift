import GeoFleetIngest
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import Metrics
import NIOCore

/// The API's HTTP/1.1 + WebSocket listener with its limits: connection caps (in all and per address,
/// the same ``ConnectionLimiter`` the device listeners use) and a header deadline on every connection
/// before any HTTP parsing, a body deadline and an idle timeout after it.
public enum GuardedHTTPServer {
    /// Builds Hummingbird's HTTP/1 + WebSocket-upgrade channel wrapped in the guards of `limits`.
    public static func http1WebSocketUpgrade<WSResponderBuilder: HTTPResponderBuilder>(
        webSocketRouter: WSResponderBuilder, limits: APIServerLimits
    ) -> HTTPServerBuilder where WSResponderBuilder.Responder.Context: WebSocketRequestContext {
        let webSocketResponder = webSocketRouter.buildResponder()
        let limiter = ConnectionLimiter(maxConnections: limits.maxConnections, maxPerIP: limits.maxConnectionsPerIP)
        let refused = Counter(label: "geofleet_http_connections_refused_total")
        let headerExpired = Counter(label: "geofleet_http_timeouts_total", dimensions: [("phase", "header")])
        let bodyExpired = Counter(label: "geofleet_http_timeouts_total", dimensions: [("phase", "body")])
        let bodyTimeout = TimeAmount.seconds(Int64(limits.bodyTimeoutSeconds))
        let deadlineLogger = Logger(label: "geofleet.api")
        return HTTPServerBuilder { responder in
            let inner = HTTP1WebSocketUpgradeChannel(
                responder: responder, webSocketResponder: webSocketResponder,
                configuration: .init(
                    http1: .init(
                        additionalChannelHandlers: [
                            RequestDeadlineHandler(timeout: bodyTimeout, start: .requestHead, closed: bodyExpired, logger: deadlineLogger)
                        ],
                        idleTimeout: .seconds(Int64(limits.idleTimeoutSeconds))),
                    ws: .init()))
            return GuardedChildChannel(
                inner: inner, limiter: limiter, refused: refused, headerTimeout: .seconds(Int64(limits.headerTimeoutSeconds)),
                headerExpired: headerExpired)
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
