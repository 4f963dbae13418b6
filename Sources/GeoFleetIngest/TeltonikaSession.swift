import GeoFleetCore
import GeoFleetPostGIS
import GeoFleetProtocols
import Logging
import Metrics
import NIOCore

/// One Teltonika TCP connection: handshake, then each AVL packet made durable and acknowledged
/// with its record count, strictly in arrival order.
///
/// The channel handler only forwards decoded messages into a stream; a task consumes it, so the
/// event loop never waits for the disk or the database.
final class TeltonikaSessionHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = TeltonikaTCPMessage

    private let continuation: AsyncStream<TeltonikaTCPMessage>.Continuation
    private let stream: AsyncStream<TeltonikaTCPMessage>
    private let session: TeltonikaSession

    init(session: TeltonikaSession) {
        (stream, continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
        self.session = session
    }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        let stream = self.stream
        let session = self.session
        Task { await session.run(stream, channel: channel) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        continuation.yield(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Garbage on the wire: this connection goes, nobody else notices.
        session.rejectGarbage(error, remote: context.remoteAddress)
        continuation.finish()
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            session.idleTimeout(remote: context.remoteAddress)
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

/// The per-connection logic of the Teltonika TCP protocol, independent of the socket.
struct TeltonikaSession: Sendable {
    let directory: DeviceDirectory
    let pipeline: IngestPipeline
    let logger: Logger

    private static let accepted = Counter(label: "geofleet_device_frames_total", dimensions: [("protocol", "teltonika"), ("result", "acknowledged")])
    private static let corrupt = Counter(label: "geofleet_device_frames_total", dimensions: [("protocol", "teltonika"), ("result", "bad_crc")])
    private static let unacked = Counter(label: "geofleet_device_frames_total", dimensions: [("protocol", "teltonika"), ("result", "not_durable")])
    private static let garbage = Counter(label: "geofleet_device_connections_closed_total", dimensions: [("protocol", "teltonika"), ("reason", "garbage")])
    private static let idle = Counter(label: "geofleet_device_connections_closed_total", dimensions: [("protocol", "teltonika"), ("reason", "idle")])
    private static let refused = Counter(label: "geofleet_device_connections_closed_total", dimensions: [("protocol", "teltonika"), ("reason", "unknown_device")])
    private static let ackLatency = Metrics.Timer(label: "geofleet_device_ack_seconds", dimensions: [("protocol", "teltonika")], preferredDisplayUnit: .seconds)

    func run(_ messages: AsyncStream<TeltonikaTCPMessage>, channel: any Channel) async {
        var logger = self.logger
        logger[metadataKey: "remote"] = "\(channel.remoteAddress.map { "\($0)" } ?? "?")"
        var binding: DeviceBinding?
        for await message in messages {
            switch message {
            case .imei(let imei):
                logger[metadataKey: "device"] = "\(imei)"
                do {
                    binding = try await directory.resolve(imei)
                } catch {
                    // Database unreachable: refuse for now; the device retries the handshake later.
                    logger.warning("device lookup failed", metadata: ["error": "\(String(reflecting: error))"])
                    channel.writeAndFlush(ByteBuffer(bytes: [0x00]), promise: nil)
                    channel.close(promise: nil)
                    return
                }
                if binding == nil {
                    Self.refused.increment()
                    logger.info("refused device bound to no vehicle")
                    channel.writeAndFlush(ByteBuffer(bytes: [0x00]), promise: nil)
                    channel.close(promise: nil)
                    return
                }
                logger.debug("device connected")
                channel.writeAndFlush(ByteBuffer(bytes: [0x01]), promise: nil)
            case .packet(let packet):
                guard let device = binding else {
                    logger.warning("AVL packet before IMEI handshake; closing")
                    channel.close(promise: nil)
                    return
                }
                let started = ContinuousClock.now
                do {
                    let outcome = try await pipeline.ingest(packet.records.map(\.fix), from: device)
                    var ack = ByteBuffer()
                    ack.writeInteger(UInt32(outcome.acknowledged))
                    channel.writeAndFlush(ack, promise: nil)
                    Self.accepted.increment()
                    Self.ackLatency.record(duration: ContinuousClock.now - started)
                } catch {
                    // Not durable: no ACK; the device keeps the records and sends them again.
                    Self.unacked.increment()
                    logger.warning("records not durable; not acknowledged", metadata: ["error": "\(error)"])
                }
            case .corruptPacket(let count):
                Self.corrupt.increment()
                logger.warning("AVL packet failed its CRC; not acknowledged", metadata: ["records": "\(count)"])
            case .ping:
                continue
            }
        }
    }

    func rejectGarbage(_ error: any Error, remote: SocketAddress?) {
        Self.garbage.increment()
        logger.warning("closing connection after undecodable data", metadata: [
            "remote": "\(remote.map { "\($0)" } ?? "?")", "error": "\(error)",
        ])
    }

    func idleTimeout(remote: SocketAddress?) {
        Self.idle.increment()
        logger.info("closing idle connection", metadata: ["remote": "\(remote.map { "\($0)" } ?? "?")"])
    }
}
