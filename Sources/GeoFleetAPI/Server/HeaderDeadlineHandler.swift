import Metrics
import NIOCore

/// Closes a connection whose first request head has not ended (`CRLF CRLF`) in time, then steps out
/// of the pipeline. It sits on the raw bytes because before the first head there is no HTTP handler
/// that keeps time: a client sending a header byte now and then would hold the socket forever.
final class HeaderDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private let expired: Counter
    private var deadline: Scheduled<Void>?
    /// How many bytes of `\r\n\r\n` the stream ends with so far (a terminator may span two reads).
    private var matched = 0
    private var sawRequestLine = false
    private var done = false

    init(timeout: TimeAmount, expired: Counter) {
        self.timeout = timeout
        self.expired = expired
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !done {
            let bytes = unwrapInboundIn(data)
            if scan(bytes.readableBytesView) {
                done = true
                deadline?.cancel()
                deadline = nil
            }
        }
        context.fireChannelRead(data)
        if done {
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard deadline == nil, !done else { return }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            let (handler, context) = loopBound.value
            guard !handler.done else { return }
            handler.expired.increment()
            context.close(promise: nil)
        }
    }

    /// Feeds bytes to the end-of-head matcher; true once `\r\n\r\n` follows a request line. Only that
    /// ends a head for the HTTP parser behind this handler, so nothing else may end the deadline: not
    /// bare line feeds, and not blank lines before the request line.
    private func scan(_ bytes: ByteBufferView) -> Bool {
        for byte in bytes {
            let expected: UInt8 = matched % 2 == 0 ? 0x0D : 0x0A
            if byte == expected {
                matched += 1
                if matched == 4 && sawRequestLine { return true }
                if matched == 4 { matched = 0 }
            } else {
                if byte != 0x0D && byte != 0x0A { sawRequestLine = true }
                matched = byte == 0x0D ? 1 : 0
            }
        }
        return false
    }
}
