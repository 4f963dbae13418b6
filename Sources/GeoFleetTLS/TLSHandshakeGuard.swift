import Logging
import Metrics
import NIOCore
import NIOSSL
import NIOTLS

/// Sits right after the TLS handler: closes a connection whose handshake has not finished in time (a
/// stalled half handshake would hold the socket), counts and logs failed handshakes (plain bytes, an
/// untrusted client certificate). Afterwards it only keeps a peer that hangs up without `close_notify`
/// (a truck losing coverage) from reaching the handlers behind as an error about their data.
final class TLSHandshakeGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias InboundOut = NIOAny

    private let listener: String
    private let timeout: TimeAmount
    private let failures: Counter
    private let logger: Logger
    private var deadline: Scheduled<Void>?
    private var state = State.handshaking

    enum State {
        case handshaking
        case established
        /// Closed here: whatever else goes wrong with this connection is not news.
        case failed
    }

    init(listener: String, timeout: TimeAmount, logger: Logger) {
        self.listener = listener
        self.timeout = timeout
        self.failures = Counter(label: "geofleet_tls_handshake_failures_total", dimensions: [("listener", listener)])
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard state == .handshaking, case .handshakeCompleted = event as? TLSUserEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        state = .established
        deadline?.cancel()
        deadline = nil
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch state {
        case .handshaking:
            // Not passed on: the handlers behind never saw this connection speak, so there is nothing for them to report.
            fail(context, reason: "\(error)")
        case .established:
            if case .uncleanShutdown = error as? NIOSSLError {
                context.close(promise: nil)
            } else {
                context.fireErrorCaught(error)
            }
        case .failed:
            break
        }
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard deadline == nil, state == .handshaking else { return }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            let (handler, context) = loopBound.value
            guard handler.state == .handshaking else { return }
            handler.fail(context, reason: "handshake not finished in \(handler.timeout)")
        }
    }

    private func fail(_ context: ChannelHandlerContext, reason: String) {
        state = .failed
        deadline?.cancel()
        deadline = nil
        failures.increment()
        logger.debug(
            "TLS handshake failed; closing",
            metadata: [
                "listener": "\(listener)", "remote": "\(context.remoteAddress.map { "\($0)" } ?? "?")", "reason": "\(reason)",
            ])
        context.close(promise: nil)
    }
}
