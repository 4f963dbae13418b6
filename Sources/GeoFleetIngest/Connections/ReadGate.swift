import NIOCore

/// Backpressure from a device's session to its TCP socket: reads are held while `limit` decoded
/// frames wait for the session (or while the device does not read our answers), and resumed once
/// the session has taken one. First in the pipeline, so a held read never reaches the socket.
///
/// Event-loop bound: every member is used on the channel's event loop only.
final class ReadGate: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Most frames that may wait for the session.
    let limit: Int
    /// Frames handed to the session and not yet taken by it.
    private(set) var buffered = 0
    /// A read the pipeline asked for and we did not pass on.
    private var readHeld = false
    /// The decoder stopped with bytes left because the session was full.
    var decodingHeld = false
    private var context: ChannelHandlerContext?
    private let backlog: DeviceBacklog

    init(limit: Int, backlog: DeviceBacklog) {
        self.limit = max(1, limit)
        self.backlog = backlog
    }

    /// True when no more frames may be decoded for now.
    var isFull: Bool { buffered >= limit }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        backlog.release(buffered)
        buffered = 0
        self.context = nil
    }

    func read(context: ChannelHandlerContext) {
        if isFull || !context.channel.isWritable {
            readHeld = true
        } else {
            context.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        resume()
        context.fireChannelWritabilityChanged()
    }

    /// A decoded frame was queued for the session.
    func frameQueued() {
        buffered += 1
        backlog.queued(buffered)
    }

    /// The session took a frame: decode what is already here, then read again if there is room.
    func frameTaken() {
        guard buffered > 0 else { return }
        buffered -= 1
        backlog.release(1)
        resume()
    }

    private func resume() {
        guard let context, !isFull else { return }
        if decodingHeld {
            decodingHeld = false
            // An empty read makes the decoder run over the bytes it already holds.
            context.fireChannelRead(wrapInboundOut(context.channel.allocator.buffer(capacity: 0)))
        }
        if readHeld, !isFull, context.channel.isWritable {
            readHeld = false
            context.read()
        }
    }
}
