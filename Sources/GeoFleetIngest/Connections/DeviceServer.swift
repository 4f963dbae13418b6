import GeoFleetTLS
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// A TCP listener for one device protocol: frame decoder, frame deadline, session.
public final class DeviceServer: Service, Sendable {
    /// The protocol's name, as in metrics and logs (`teltonika`, `gt06`, `ruptela`).
    public let protocolName: String
    private let channel: any Channel
    private let backlog: DeviceBacklog
    private let logger: Logger

    /// The port actually bound (useful with port 0 in tests).
    public var port: Int { channel.localAddress?.port ?? 0 }

    /// Binds now, so that a port conflict fails the start.
    ///
    /// `limits.idleTimeout` counts from the last complete frame, not the last byte: the idle handler sits
    /// after the decoder, so a silent device and one trickling a frame byte by byte are both cut off.
    /// `maxFrameLength` bounds what the decoder may accumulate: a frame and one read beyond it.
    /// With `tls`, the listener speaks TLS: the handshake comes first, with its own deadline (the device handshake
    /// timeout, at most ``TLSCredentials/handshakeTimeout``); the rest is the same.
    static func bind<Decoder: ByteToMessageDecoder & Sendable, Session: DeviceSession>(
        protocolName: String, host: String, port: Int,
        decoder: @escaping @Sendable () -> Decoder, maxFrameLength: Int,
        admit: @escaping @Sendable (Session.Frame) throws -> Void = { _ in }, session: Session,
        directory: DeviceDirectory, pipeline: IngestPipeline,
        limits: DeviceListenerLimits, tls: TLSCredentials?, logger: Logger, group: any EventLoopGroup
    ) async throws -> DeviceServer where Decoder.InboundOut == Session.Frame {
        let metrics = DeviceMetrics(protocolName: protocolName)
        let backlog = DeviceBacklog(protocolName: protocolName)
        let refusals = LogSampler()
        let maximumBufferSize = maxFrameLength + 2 * Self.maxReadBytes
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // Keepalive lets the kernel reap half-open connections of trucks that lost coverage.
            .childChannelOption(.socketOption(.so_keepalive), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            // Devices send small frames: a small first read keeps 10,000 idle connections cheap.
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: Self.maxReadBytes))
            // One read per cycle: a held read then stops the socket within one buffer.
            .childChannelOption(.maxMessagesPerRead, value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let gate = ReadGate(limit: limits.frameBuffer, backlog: backlog)
                    let queue = DeviceFrameQueue<Session.Frame>(
                        gate: gate, maxFramesPerSecond: limits.maxFramesPerSecond, admit: admit, metrics: metrics, logger: logger)
                    try channel.pipeline.syncOperations.addHandler(
                        ConnectionCapHandler(limiter: limits.connections, protocolName: protocolName, sampler: refusals, logger: logger))
                    if let tls {
                        // After the cap: a refused connection costs no handshake.
                        try channel.pipeline.syncOperations.addHandlers(
                            tls.serverHandlers(
                                listener: "\(protocolName)_tls", timeout: min(limits.handshakeTimeout, TLSCredentials.handshakeTimeout)))
                    }
                    try channel.pipeline.syncOperations.addHandlers([
                        gate,
                        ByteToMessageHandler(GatedFrameDecoder(decoder(), gate: gate), maximumBufferSize: maximumBufferSize),
                        IdleStateHandler(readTimeout: limits.idleTimeout),
                        queue,
                        DeviceSessionHandler(
                            session: session, frames: queue.frames(on: channel.eventLoop), directory: directory, pipeline: pipeline,
                            metrics: metrics, handshakeTimeout: limits.handshakeTimeout, logger: logger),
                    ])
                }
            }
            .bind(host: host, port: port)
            .get()
        logger.info(
            "device listener ready",
            metadata: [
                "protocol": "\(protocolName)", "transport": "\(tls == nil ? "tcp" : "tls")",
                "address": "\(channel.localAddress.map { "\($0)" } ?? "?")",
            ])
        return DeviceServer(protocolName: protocolName, channel: channel, backlog: backlog, logger: logger)
    }

    /// The largest single socket read of a device connection.
    static let maxReadBytes = 65_536

    private init(protocolName: String, channel: any Channel, backlog: DeviceBacklog, logger: Logger) {
        self.protocolName = protocolName
        self.channel = channel
        self.backlog = backlog
        self.logger = logger
    }

    /// The most decoded frames one connection had waiting for its session (bounded by `frameBuffer`).
    public var peakBufferedFrames: Int { backlog.peakPerConnection }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await channel.closeFuture.get()
        } onGracefulShutdown: {
            self.channel.close(promise: nil)
        }
    }

    /// Stops accepting connections.
    public func close() async {
        try? await channel.close()
    }
}
