import Logging
import NIOCore
import Synchronization

/// Starts the session task of one connection, which reads the frames `DeviceFrameQueue` queues, so
/// the event loop never waits for the disk or the database; closes the connection on garbage, when
/// no frame arrives in time, when the device has not identified itself within the handshake
/// deadline, and when the API changes the device's binding.
final class DeviceSessionHandler<Session: DeviceSession>: ChannelInboundHandler, Sendable {
    typealias InboundIn = Session.Frame

    private let frames: DeviceFrames<Session.Frame>
    private let session: Session
    private let directory: DeviceDirectory
    private let pipeline: IngestPipeline
    private let metrics: DeviceMetrics
    private let handshakeTimeout: TimeAmount
    private let logger: Logger

    init(
        session: Session, frames: DeviceFrames<Session.Frame>, directory: DeviceDirectory, pipeline: IngestPipeline,
        metrics: DeviceMetrics, handshakeTimeout: TimeAmount, logger: Logger
    ) {
        self.frames = frames
        self.session = session
        self.directory = directory
        self.pipeline = pipeline
        self.metrics = metrics
        self.handshakeTimeout = handshakeTimeout
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        var logger = self.logger
        logger[metadataKey: "remote"] = "\(context.remoteAddress.map { "\($0)" } ?? "?")"
        logger[metadataKey: "protocol"] = "\(metrics.protocolName)"
        let channel = context.channel
        let metrics = self.metrics
        let flag = IdentifiedFlag()
        let revokeLogger = logger
        let connection = DeviceConnection(
            channel: channel,
            intake: DeviceIntake(
                directory: directory, pipeline: pipeline, metrics: metrics, logger: logger,
                onRevoke: {
                    // The device now reports for another vehicle or none: it reconnects and resolves afresh.
                    metrics.closedRebound.increment()
                    revokeLogger.info("closing connection: the device's vehicle binding changed")
                    channel.close(promise: nil)
                },
                onIdentified: { flag.set() }))
        let frames = self.frames
        let session = self.session
        metrics.open.increment()
        _ = channel.eventLoop.scheduleTask(in: handshakeTimeout) {
            guard !flag.isSet, channel.isActive else { return }
            metrics.closedHandshake.increment()
            revokeLogger.info("closing connection: device did not identify itself in time")
            channel.close(promise: nil)
        }
        Task {
            await session.run(frames, on: connection)
            connection.intake.finished()
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        metrics.open.decrement()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Garbage on the wire: this connection goes, nobody else notices.
        metrics.closedGarbage.increment()
        logger.warning(
            "closing connection after undecodable data",
            metadata: [
                "protocol": "\(metrics.protocolName)",
                "remote": "\(context.remoteAddress.map { "\($0)" } ?? "?")", "error": "\(error)",
            ])
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            metrics.closedIdle.increment()
            logger.info(
                "closing connection: no complete frame in time",
                metadata: [
                    "protocol": "\(metrics.protocolName)", "remote": "\(context.remoteAddress.map { "\($0)" } ?? "?")",
                ])
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

/// Set once a connection's device has identified itself.
final class IdentifiedFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}
