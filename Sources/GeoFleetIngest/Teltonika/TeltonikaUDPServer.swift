import GeoFleetCore
import GeoFleetProtocols
import Logging
import Metrics
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The Teltonika UDP listener (same port as TCP): each datagram is decoded on the event loop, made
/// durable by a bounded pool of workers, and only then acknowledged with the protocol's 7-byte ACK.
///
/// A repeated datagram is acknowledged again and stores nothing new (the duplicate window catches
/// its fix times); datagrams from one device may arrive in any order.
public final class TeltonikaUDPServer: Service, Sendable {
    private let channel: any Channel
    private let datagrams: AsyncStream<Inbound>
    private let directory: DeviceDirectory
    private let pipeline: IngestPipeline
    private let metrics: DeviceMetrics
    private let workers: Int
    private let logger: Logger

    /// A decoded datagram and where to send its ACK.
    struct Inbound: Sendable {
        let datagram: TeltonikaUDPDatagram
        let remote: SocketAddress
    }

    /// The port actually bound.
    public var port: Int { channel.localAddress?.port ?? 0 }

    /// One receive buffer: above the largest UDP payload over IPv4 (65,507), so no datagram is ever cut.
    static let receiveBufferBytes = 65_536

    /// Binds now. `queueLimit` datagrams may wait for a worker; beyond that new ones are dropped
    /// unacknowledged (the device resends), so a flood cannot grow memory without bound.
    public static func bind(
        host: String, port: Int, directory: DeviceDirectory, pipeline: IngestPipeline,
        workers: Int = 64, queueLimit: Int = 8192, maxIOElementsPerRecord: Int = DeviceListenerLimits().maxIOElementsPerRecord, logger: Logger,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> TeltonikaUDPServer {
        let metrics = DeviceMetrics(protocolName: "teltonika_udp")
        let (stream, continuation) = AsyncStream.makeStream(of: Inbound.self, bufferingPolicy: .bufferingOldest(queueLimit))
        // No SO_REUSEADDR: on UDP it would let a second daemon bind the same port and silently take
        // a share of the devices' datagrams.
        let channel = try await DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
            // Room for the largest UDP payload (65,507 bytes): NIO's default 2,048-byte buffer cut longer
            // datagrams, which then failed to decode and were resent by the device forever. Datagrams are
            // decoded at once and their buffer dropped, so the size costs no memory per queued datagram.
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: TeltonikaUDPServer.receiveBufferBytes))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        DatagramHandler(continuation: continuation, maxIOElementsPerRecord: maxIOElementsPerRecord, metrics: metrics, logger: logger))
                }
            }
            .bind(host: host, port: port)
            .get()
        logger.info(
            "device listener ready",
            metadata: [
                "protocol": "teltonika", "transport": "udp", "address": "\(channel.localAddress.map { "\($0)" } ?? "?")",
            ])
        return TeltonikaUDPServer(
            channel: channel, datagrams: stream, directory: directory, pipeline: pipeline,
            metrics: metrics, workers: workers, logger: logger)
    }

    private init(
        channel: any Channel, datagrams: AsyncStream<Inbound>, directory: DeviceDirectory, pipeline: IngestPipeline,
        metrics: DeviceMetrics, workers: Int, logger: Logger
    ) {
        self.channel = channel
        self.datagrams = datagrams
        self.directory = directory
        self.pipeline = pipeline
        self.metrics = metrics
        self.workers = max(1, workers)
        self.logger = logger
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                var running = 0
                for await inbound in datagrams {
                    if running >= workers {
                        await group.next()
                        running -= 1
                    }
                    group.addTask { await self.handle(inbound) }
                    running += 1
                }
            }
        } onGracefulShutdown: {
            self.channel.close(promise: nil)
        }
    }

    /// Stops receiving.
    public func close() async {
        try? await channel.close()
    }

    private func handle(_ inbound: Inbound) async {
        let started = ContinuousClock.now
        let datagram = inbound.datagram
        var intake = DeviceIntake(directory: directory, pipeline: pipeline, metrics: metrics, logger: logger)
        intake.logger[metadataKey: "remote"] = "\(inbound.remote)"
        defer { intake.finished() }
        guard case .known(let device) = await intake.identify(datagram.imei) else { return }
        let channel = self.channel
        let identified = intake
        _ = await identified.store(datagram.packet.records.map(\.fix), for: device) { outcome in
            let ack = Teltonika.encodeUDPAck(
                packetID: datagram.packetID, avlPacketID: datagram.avlPacketID,
                accepted: UInt8(clamping: outcome.acknowledged))
            channel.writeAndFlush(AddressedEnvelope(remoteAddress: inbound.remote, data: ByteBuffer(bytes: ack)), promise: nil)
            identified.acknowledged(since: started)
        }
    }
}

/// Decodes datagrams on the event loop (cheap, pure) and queues them for the workers.
private final class DatagramHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let continuation: AsyncStream<TeltonikaUDPServer.Inbound>.Continuation
    private let maxIOElementsPerRecord: Int
    private let garbageLog = LogSampler()
    private let metrics: DeviceMetrics
    private let dropped = Counter(label: "geofleet_device_frames_total", dimensions: [("protocol", "teltonika_udp"), ("result", "dropped_overload")])
    private let logger: Logger

    init(continuation: AsyncStream<TeltonikaUDPServer.Inbound>.Continuation, maxIOElementsPerRecord: Int, metrics: DeviceMetrics, logger: Logger) {
        self.continuation = continuation
        self.maxIOElementsPerRecord = maxIOElementsPerRecord
        self.metrics = metrics
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        do {
            let datagram = try Teltonika.decodeUDPDatagram(envelope.data)
            try TeltonikaLimits.check(datagram.packet, maxIOElementsPerRecord: maxIOElementsPerRecord)
            if case .dropped = continuation.yield(TeltonikaUDPServer.Inbound(datagram: datagram, remote: envelope.remoteAddress)) {
                dropped.increment()
            }
        } catch {
            // No connection to close: a bad datagram is dropped and counted; the sender learns nothing.
            // A flood of them logs one line per interval, the rest at debug.
            metrics.corrupt.increment()
            let metadata: Logger.Metadata = ["protocol": "teltonika_udp", "remote": "\(envelope.remoteAddress)", "error": "\(error)"]
            if let suppressed = garbageLog.take() {
                logger.warning("dropping undecodable datagram", metadata: metadata.merging(["suppressedSinceLastLine": "\(suppressed)"]) { $1 })
            } else {
                logger.debug("dropping undecodable datagram", metadata: metadata)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }
}
