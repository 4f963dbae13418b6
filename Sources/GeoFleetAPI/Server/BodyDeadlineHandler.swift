import Metrics
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request body does not arrive whole in time after its head: a body
/// trickled a byte at a time would otherwise hold a request handler and its socket forever.
final class BodyDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let timeout: TimeAmount
    private let expired: Counter
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount, expired: Counter) {
        self.timeout = timeout
        self.expired = expired
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            deadline?.cancel()
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            deadline = context.eventLoop.scheduleTask(in: timeout) {
                let (handler, context) = loopBound.value
                handler.deadline = nil
                handler.expired.increment()
                context.close(promise: nil)
            }
        case .body:
            break
        case .end:
            deadline?.cancel()
            deadline = nil
        }
        context.fireChannelRead(data)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }
}
