import Logging
import NIOCore

/// Hands decoded frames of one connection to its session task, so the event loop never waits for
/// the disk or the database; closes the connection on garbage or when no frame arrives in time.
final class DeviceSessionHandler<Session: DeviceSession>: ChannelInboundHandler, Sendable {
    typealias InboundIn = Session.Frame

    private let continuation: AsyncStream<Session.Frame>.Continuation
    private let stream: AsyncStream<Session.Frame>
    private let session: Session
    private let directory: DeviceDirectory
    private let pipeline: IngestPipeline
    private let metrics: DeviceMetrics
    private let logger: Logger

    init(session: Session, directory: DeviceDirectory, pipeline: IngestPipeline, metrics: DeviceMetrics, logger: Logger) {
        (stream, continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
        self.session = session
        self.directory = directory
        self.pipeline = pipeline
        self.metrics = metrics
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        var logger = self.logger
        logger[metadataKey: "remote"] = "\(context.remoteAddress.map { "\($0)" } ?? "?")"
        logger[metadataKey: "protocol"] = "\(metrics.protocolName)"
        let connection = DeviceConnection(
            channel: context.channel, intake: DeviceIntake(directory: directory, pipeline: pipeline, metrics: metrics, logger: logger))
        let stream = self.stream
        let session = self.session
        metrics.open.increment()
        Task { await session.run(stream, on: connection) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        continuation.yield(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        metrics.open.decrement()
        continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Garbage on the wire: this connection goes, nobody else notices.
        metrics.closedGarbage.increment()
        logger.warning("closing connection after undecodable data", metadata: [
            "protocol": "\(metrics.protocolName)",
            "remote": "\(context.remoteAddress.map { "\($0)" } ?? "?")", "error": "\(error)",
        ])
        continuation.finish()
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            metrics.closedIdle.increment()
            logger.info("closing connection: no complete frame in time", metadata: [
                "protocol": "\(metrics.protocolName)", "remote": "\(context.remoteAddress.map { "\($0)" } ?? "?")",
            ])
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
