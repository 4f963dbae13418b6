import Logging
import NIOCore

/// Queues a connection's decoded frames for its session, at most `ReadGate.limit` at a time (the
/// gate and the gated decoder stop decoding and reading beyond that). Refuses frames the protocol
/// decoded but that break a limit (`admit` throws), and closes a device over its frame-rate cap.
final class DeviceFrameQueue<Frame: Sendable>: ChannelInboundHandler {
    typealias InboundIn = Frame

    private let gate: ReadGate
    private let continuation: AsyncStream<Frame>.Continuation
    private let stream: AsyncStream<Frame>
    private let admit: (Frame) throws -> Void
    private var rate: FrameRate
    /// Set once a frame was refused: the connection is closing, and nothing after that frame is queued.
    private var refusing = false
    private let metrics: DeviceMetrics
    private let logger: Logger

    init(gate: ReadGate, maxFramesPerSecond: Int, admit: @escaping (Frame) throws -> Void, metrics: DeviceMetrics, logger: Logger) {
        // Never more than the gate's limit in here: the gate enforces it, the stream needs no bound of its own.
        (stream, continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
        self.gate = gate
        self.rate = FrameRate(perSecond: maxFramesPerSecond)
        self.admit = admit
        self.metrics = metrics
        self.logger = logger
    }

    /// The frames for the session; taking one lets the gate read again (on `eventLoop`).
    func frames(on eventLoop: any EventLoop) -> DeviceFrames<Frame> {
        let gate = NIOLoopBound(self.gate, eventLoop: eventLoop)
        return DeviceFrames(stream: stream) {
            eventLoop.execute { gate.value.frameTaken() }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refusing else { return }
        let frame = unwrapInboundIn(data)
        do {
            try admit(frame)
        } catch {
            refusing = true
            context.fireErrorCaught(error)
            return
        }
        if rate.exceeded(at: .now()) {
            refusing = true
            metrics.closedFrameRate.increment()
            logger.warning(
                "closing connection: frame rate over the cap",
                metadata: [
                    "protocol": "\(metrics.protocolName)", "remote": "\(context.remoteAddress.map { "\($0)" } ?? "?")",
                    "maxFramesPerSecond": "\(rate.perSecond)",
                ])
            context.close(promise: nil)
            return
        }
        gate.frameQueued()
        continuation.yield(frame)
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        continuation.finish()
    }
}
