import GeoFleetProtocols
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The TCP listener for Teltonika devices (Traccar's port 5027 by default).
public final class DeviceServer: Service, Sendable {
    private let channel: any Channel
    private let logger: Logger

    /// The port actually bound (useful with port 0 in tests).
    public var port: Int { channel.localAddress?.port ?? 0 }

    /// Binds now, so that a port conflict fails the start.
    public static func bind(
        host: String, port: Int, directory: DeviceDirectory, pipeline: IngestPipeline,
        idleTimeout: TimeAmount = .minutes(10), logger: Logger,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> DeviceServer {
        let session = TeltonikaSession(directory: directory, pipeline: pipeline, logger: logger)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // Keepalive lets the kernel reap half-open connections of trucks that lost coverage.
            .childChannelOption(.socketOption(.so_keepalive), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        IdleStateHandler(readTimeout: idleTimeout),
                        ByteToMessageHandler(TeltonikaTCPFrameDecoder()),
                        TeltonikaSessionHandler(session: session),
                    ])
                }
            }
            .bind(host: host, port: port)
            .get()
        logger.info("Teltonika listener ready", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
        return DeviceServer(channel: channel, logger: logger)
    }

    private init(channel: any Channel, logger: Logger) {
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
