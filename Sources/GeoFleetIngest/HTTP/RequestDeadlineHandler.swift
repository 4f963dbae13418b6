import HTTPTypes
import Logging
import Metrics
import NIOCore
import NIOHTTPTypes

/// Closes an HTTP connection that does not deliver a whole request (head and body) in time: a
/// slowloris sending a header byte now and then, a body that never ends, and (when the clock also runs
/// between requests) a kept-alive connection left idle are all cut, whatever bytes keep trickling.
public final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPRequestPart
    public typealias InboundOut = HTTPRequestPart
    public typealias OutboundIn = HTTPResponsePart
    public typealias OutboundOut = HTTPResponsePart

    /// When the clock starts.
    public enum Start: Sendable {
        /// At connect and after every response: the OsmAnd port, where this handler sees the first bytes.
        case connectionAndResponse
        /// At each request's head: behind a server that keeps its own idle and header time.
        case requestHead
    }

    private let timeout: TimeAmount
    private let start: Start
    private let closed: Counter
    private let logger: Logger
    private var deadline: Scheduled<Void>?

    /// - Parameter closed: counts the connections this handler closes.
    public init(timeout: TimeAmount, start: Start, closed: Counter, logger: Logger) {
        self.timeout = timeout
        self.start = start
        self.closed = closed
        self.logger = logger
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        if start == .connectionAndResponse, context.channel.isActive { arm(context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        if start == .connectionAndResponse { arm(context) }
        context.fireChannelActive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head where start == .requestHead:
            arm(context)
        case .end:
            // The whole request is in: the responder's own time is not the client's to spend.
            deadline?.cancel()
            deadline = nil
        default:
            break
        }
        context.fireChannelRead(data)
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if start == .connectionAndResponse, case .end = unwrapOutboundIn(data) { arm(context) }
        context.write(data, promise: promise)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    private func arm(_ context: ChannelHandlerContext) {
        deadline?.cancel()
        // The channel's, not the context's: an HTTP/2 stream has no socket of its own and traps when asked.
        let remote = context.channel.remoteAddress.map { "\($0)" } ?? "?"
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
