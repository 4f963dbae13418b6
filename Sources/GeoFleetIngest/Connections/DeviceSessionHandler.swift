import Logging
import NIOCore

/// Starts the session task of one connection, which reads the frames `DeviceFrameQueue` queues, so
/// the event loop never waits for the disk or the database; closes the connection on garbage or
/// when no frame arrives in time.
final class DeviceSessionHandler<Session: DeviceSession>: ChannelInboundHandler, Sendable {
    typealias InboundIn = Session.Frame

    private let frames: DeviceFrames<Session.Frame>
    private let session: Session
    private let directory: DeviceDirectory
    private let pipeline: IngestPipeline
    private let metrics: DeviceMetrics
    private let logger: Logger

    init(session: Session, frames: DeviceFrames<Session.Frame>, directory: DeviceDirectory, pipeline: IngestPipeline,
         metrics: DeviceMetrics, logger: Logger) {
        self.frames = frames
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
        let frames = self.frames
        let session = self.session
        metrics.open.increment()
        Task { await session.run(frames, on: connection) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        metrics.open.decrement()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Garbage on the wire: this connection goes, nobody else notices.
        metrics.closedGarbage.increment()
        logger.warning("closing connection after undecodable data", metadata: [
            "protocol": "\(metrics.protocolName)",
            "remote": "\(context.remoteAddress.map { "\($0)" } ?? "?")", "error": "\(error)",
        ])
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
