import GeoFleetProtocols
import GeoFleetTLS
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
    /// Binds the TCP listener of one device protocol; with `tls`, a TLS listener.
    public static func bind(
        _ deviceProtocol: TCPDeviceProtocol, host: String, port: Int, directory: DeviceDirectory, pipeline: IngestPipeline,
        limits: DeviceListenerLimits = DeviceListenerLimits(), tls: TLSCredentials? = nil, logger: Logger,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> DeviceServer {
        let name = deviceProtocol.rawValue
        switch deviceProtocol {
        case .teltonika:
            let maxIO = limits.maxIOElementsPerRecord
            return try await bind(
                protocolName: name, host: host, port: port, decoder: { TeltonikaTCPFrameDecoder() }, maxFrameLength: Teltonika.maxFrameLength + 12,
                admit: { message in
                    if case .packet(let packet) = message { try TeltonikaLimits.check(packet, maxIOElementsPerRecord: maxIO) }
                },
                session: TeltonikaSession(), directory: directory, pipeline: pipeline, limits: limits, tls: tls, logger: logger, group: group)
        case .gt06:
            return try await bind(
                protocolName: name, host: host, port: port, decoder: { GT06FrameDecoder() }, maxFrameLength: GT06.maxFrameLength + 10,
                session: GT06Session(), directory: directory, pipeline: pipeline, limits: limits, tls: tls, logger: logger, group: group)
        case .ruptela:
            return try await bind(
                protocolName: name, host: host, port: port, decoder: { RuptelaFrameDecoder() }, maxFrameLength: Ruptela.maxFrameLength + 4,
                session: RuptelaSession(), directory: directory, pipeline: pipeline, limits: limits, tls: tls, logger: logger, group: group)
        }
    }
}
