import Foundation
import GeoFleetAPI
import GeoFleetCluster
import GeoFleetIngest
import GeoFleetLive
import GeoFleetPostGIS
import GeoFleetTLS
import Logging

/// Start-up, fourth: API tokens and rate limits, device bindings, and every device listener bound.
struct ListenerStage: Sendable {
    let tokens: TokenAuthority
    let rateLimiter: RateLimiter
    /// Device bindings as the listeners resolve them.
    let directory: DeviceDirectory
    /// Teltonika over TCP.
    let teltonikaTCP: DeviceServer
    let teltonikaUDP: TeltonikaUDPServer
    let gt06: DeviceServer
    let ruptela: DeviceServer
    let osmand: OsmAndServer
    /// The certificate of every TLS listener, when TLS is on.
    let tls: TLSCredentials?
    /// TLS listeners beside the plain ones, for the protocols that have a TLS port configured.
    let teltonikaTLS: DeviceServer?
    let gt06TLS: DeviceServer?
    let ruptelaTLS: DeviceServer?
    let osmandTLS: OsmAndServer?

    static func bind(
        _ configuration: GeoFleetConfiguration, store: FleetStore, catalog: VehicleCatalog, pipeline: IngestPipeline, logger: Logger
    ) async throws
        -> ListenerStage
    {
        let auth = configuration.auth
        let tokens = try await TokenAuthority(
            secret: try configuration.resolvedJWTSecret(), jwksFile: auth.jwksFile,
            options: .init(leeway: TimeInterval(auth.leewaySeconds), issuer: auth.issuer, authorizedParties: auth.authorizedParties))
        let rateLimiter = RateLimiter(configuration: configuration.rateLimits.limiter, shared: try sharedBuckets(configuration, logger: logger))
        let devices = configuration.devices
        let directory = DeviceDirectory(
            store: store, autoRegisterOwner: devices.autoRegister ? devices.autoRegisterOwner : nil, catalog: catalog,
            unknownTTL: .seconds(devices.unknownCacheSeconds))
        let limits = devices.limits
        let ports = configuration.listeners
        let host = ports.bindHost
        let (teltonikaTCP, teltonikaUDP) = try await bindTeltonika(
            host: host, port: ports.teltonikaPort, directory: directory, pipeline: pipeline, limits: limits, logger: logger)
        let gt06 = try await DeviceServer.bind(
            .gt06, host: host, port: ports.gt06Port, directory: directory, pipeline: pipeline, limits: limits, logger: logger)
        let ruptela = try await DeviceServer.bind(
            .ruptela, host: host, port: ports.ruptelaPort, directory: directory, pipeline: pipeline, limits: limits, logger: logger)
        let osmand = OsmAndServer(
            host: host, port: ports.osmandPort, directory: directory, pipeline: pipeline,
            requestTimeout: .seconds(Int64(devices.osmandRequestSeconds)), connections: limits.connections, logger: logger)
        try configuration.tls.validate()
        let tlsSettings = configuration.tls
        let tls = try tlsSettings.files.map { try TLSCredentials(files: $0, logger: logger) }
        func bindTLS(_ deviceProtocol: TCPDeviceProtocol, _ port: Int?) async throws -> DeviceServer? {
            guard let tls, let port else { return nil }
            return try await DeviceServer.bind(
                deviceProtocol, host: host, port: port, directory: directory, pipeline: pipeline, limits: limits, tls: tls, logger: logger)
        }
        let teltonikaTLS = try await bindTLS(.teltonika, tlsSettings.teltonikaPort)
        let gt06TLS = try await bindTLS(.gt06, tlsSettings.gt06Port)
        let ruptelaTLS = try await bindTLS(.ruptela, tlsSettings.ruptelaPort)
        let osmandTLS = tlsSettings.osmandPort.flatMap { port in
            tls.map { tls in
                OsmAndServer(
                    host: host, port: port, directory: directory, pipeline: pipeline,
                    requestTimeout: .seconds(Int64(devices.osmandRequestSeconds)), connections: limits.connections, tls: tls, logger: logger)
            }
        }
        return ListenerStage(
            tokens: tokens, rateLimiter: rateLimiter, directory: directory, teltonikaTCP: teltonikaTCP,
            teltonikaUDP: teltonikaUDP, gt06: gt06, ruptela: ruptela, osmand: osmand, tls: tls, teltonikaTLS: teltonikaTLS,
            gt06TLS: gt06TLS, ruptelaTLS: ruptelaTLS, osmandTLS: osmandTLS)
    }

    /// Teltonika's TCP and UDP listeners on one port. With port 0 (tests) the kernel picks a TCP
    /// port that may be taken for UDP; then another is tried.
    static func bindTeltonika(
        host: String, port: Int, directory: DeviceDirectory, pipeline: IngestPipeline, limits: DeviceListenerLimits, logger: Logger
    ) async throws -> (DeviceServer, TeltonikaUDPServer) {
        var attempt = 0
        while true {
            let tcp = try await DeviceServer.bind(
                .teltonika, host: host, port: port, directory: directory, pipeline: pipeline, limits: limits, logger: logger)
            do {
                let udp = try await TeltonikaUDPServer.bind(
                    host: host, port: tcp.port, directory: directory, pipeline: pipeline,
                    maxIOElementsPerRecord: limits.maxIOElementsPerRecord, logger: logger)
                return (tcp, udp)
            } catch {
                await tcp.close()
                attempt += 1
                guard port == 0, attempt < 20 else { throw error }
            }
        }
    }

    /// Cluster mode: the rate limits' buckets live in Redis, shared by every node.
    static func sharedBuckets(_ configuration: GeoFleetConfiguration, logger: Logger) throws -> RateLimiter.SharedBucket? {
        guard configuration.cluster.nodeID != nil, let url = configuration.storage.redisURL else { return nil }
        let target = try RedisTarget(url: url)
        let buckets = SharedRateBuckets(logger: logger) { try target.connect(timeout: .seconds(1)) }
        return { key, interval, period in await buckets.take(key: key, interval: interval, period: period) }
    }
}
