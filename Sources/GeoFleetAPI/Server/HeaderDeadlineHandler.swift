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

    /// Feeds bytes to the `\r\n\r\n` matcher; true once the terminator has been seen.
    private func scan(_ bytes: ByteBufferView) -> Bool {
        for byte in bytes {
            let expected: UInt8 = matched % 2 == 0 ? 0x0D : 0x0A
            if byte == expected {
                matched += 1
                if matched == 4 { return true }
            } else {
                matched = byte == 0x0D ? 1 : 0
            }
        }
        return false
    }
}
