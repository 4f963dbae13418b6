import HTTPTypes
import Logging
import Metrics
import NIOCore
import NIOHTTPTypes

/// Closes an HTTP connection that does not deliver a whole request (head and body) within `timeout`
/// of opening or of the previous response: a slowloris sending a header byte now and then, a body
/// that never ends, and a kept-alive connection left idle are all cut, whatever bytes keep trickling.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let timeout: TimeAmount
    private let closed: Counter
    private let logger: Logger
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount, protocolName: String, logger: Logger) {
        self.timeout = timeout
        self.closed = Counter(label: "geofleet_device_connections_closed_total", dimensions: [("protocol", protocolName), ("reason", "request_timeout")])
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) {
            // The whole request is in: the responder's own time is not the client's to spend.
            deadline?.cancel()
            deadline = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { arm(context) }
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    private func arm(_ context: ChannelHandlerContext) {
        deadline?.cancel()
        let remote = context.remoteAddress.map { "\($0)" } ?? "?"
        let closed = self.closed
        let logger = self.logger
        let timeout = self.timeout
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [channel = context.channel] in
            closed.increment()
            logger.debug("closing HTTP connection: no whole request in time", metadata: ["remote": "\(remote)", "timeout": "\(timeout)"])
            channel.close(promise: nil)
        }
    }
}
