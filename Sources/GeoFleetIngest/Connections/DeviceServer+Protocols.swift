import GeoFleetProtocols
import Logging
import NIOCore
import NIOPosix

/// The device protocols GeoFleet serves over TCP, each with Traccar's port by default.
public enum TCPDeviceProtocol: String, Sendable, CaseIterable {
    case teltonika
    case gt06
    case ruptela
}

extension DeviceServer {
    /// Binds the TCP listener of one device protocol.
    public static func bind(
        _ deviceProtocol: TCPDeviceProtocol, host: String, port: Int, directory: DeviceDirectory, pipeline: IngestPipeline,
        idleTimeout: TimeAmount = .minutes(10), logger: Logger,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> DeviceServer {
        let name = deviceProtocol.rawValue
        switch deviceProtocol {
        case .teltonika:
            return try await bind(
                protocolName: name, host: host, port: port, decoder: { TeltonikaTCPFrameDecoder() }, session: TeltonikaSession(),
                directory: directory, pipeline: pipeline, idleTimeout: idleTimeout, logger: logger, group: group)
        case .gt06:
            return try await bind(
                protocolName: name, host: host, port: port, decoder: { GT06FrameDecoder() }, session: GT06Session(),
                directory: directory, pipeline: pipeline, idleTimeout: idleTimeout, logger: logger, group: group)
        case .ruptela:
            return try await bind(
                protocolName: name, host: host, port: port, decoder: { RuptelaFrameDecoder() }, session: RuptelaSession(),
                directory: directory, pipeline: pipeline, idleTimeout: idleTimeout, logger: logger, group: group)
        }
    }
}
