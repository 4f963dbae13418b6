import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// A TCP listener for one device protocol: frame decoder, frame deadline, session.
public final class DeviceServer: Service, Sendable {
    /// The protocol's name, as in metrics and logs (`teltonika`, `gt06`, `ruptela`).
    public let protocolName: String
    private let channel: any Channel
    private let logger: Logger

    /// The port actually bound (useful with port 0 in tests).
    public var port: Int { channel.localAddress?.port ?? 0 }

    /// Binds now, so that a port conflict fails the start.
    ///
    /// `idleTimeout` counts from the last complete frame, not the last byte: the idle handler sits
    /// after the decoder, so a silent device and one trickling a frame byte by byte are both cut off.
    static func bind<Decoder: ByteToMessageDecoder & Sendable, Session: DeviceSession>(
        protocolName: String, host: String, port: Int,
        decoder: @escaping @Sendable () -> Decoder, session: Session,
        directory: DeviceDirectory, pipeline: IngestPipeline,
        idleTimeout: TimeAmount, logger: Logger, group: any EventLoopGroup
    ) async throws -> DeviceServer where Decoder.InboundOut == Session.Frame {
        let metrics = DeviceMetrics(protocolName: protocolName)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // Keepalive lets the kernel reap half-open connections of trucks that lost coverage.
            .childChannelOption(.socketOption(.so_keepalive), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            // Devices send small frames: a small first read keeps 10,000 idle connections cheap.
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 65_536))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(decoder()),
                        IdleStateHandler(readTimeout: idleTimeout),
                        DeviceSessionHandler(session: session, directory: directory, pipeline: pipeline, metrics: metrics, logger: logger),
                    ])
                }
            }
            .bind(host: host, port: port)
            .get()
        logger.info("device listener ready", metadata: [
            "protocol": "\(protocolName)", "transport": "tcp",
            "address": "\(channel.localAddress.map { "\($0)" } ?? "?")",
        ])
        return DeviceServer(protocolName: protocolName, channel: channel, logger: logger)
    }

    private init(protocolName: String, channel: any Channel, logger: Logger) {
        self.protocolName = protocolName
        self.channel = channel
        self.logger = logger
    }

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
