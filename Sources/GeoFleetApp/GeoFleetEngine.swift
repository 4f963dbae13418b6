import Foundation
import GeoFleetAPI
import GeoFleetEvents
import GeoFleetExport
import GeoFleetHotIndex
import GeoFleetIngest
import GeoFleetLive
import GeoFleetMatchService
import GeoFleetPlatform
import GeoFleetPostGIS
import GeoFleetSpool
import GeoFleetTLS
import GeoFleetTracking
import Logging
import ServiceLifecycle
import Synchronization

/// The whole engine: database, spool, ingest, device listeners and API, started in stages and
/// stopped in reverse.
public final class GeoFleetEngine: Sendable {
    public let configuration: GeoFleetConfiguration
    private let storage: StorageStage
    private let live: LiveStage
    private let tracking: Tracking
    private let ingest: IngestStage
    private let listeners: ListenerStage
    private let services: ServiceStage
    private let logger: Logger
    private let httpPortSignal: PortSignal
    private let serviceGroup = Mutex<ServiceGroup?>(nil)

    public var endpoint: DatabaseEndpoint { storage.endpoint }
    public var store: FleetStore { storage.store }
    public var hot: HotPositions { live.hot }
    public var catalog: VehicleCatalog { live.catalog }
    /// Live events for `/api/stream` (and Redis, when configured).
    public var events: FleetEventHub { live.events }
    public var pipeline: IngestPipeline { ingest.pipeline }
    public var queue: HistoryQueue { ingest.queue }
    public var spool: Spool { ingest.spool }
    /// Rows replayed from the spool at start.
    public var replayedPositions: Int { ingest.replayedPositions }
    public var tokens: TokenAuthority { listeners.tokens }
    /// Device bindings as the listeners resolve them.
    public var directory: DeviceDirectory { listeners.directory }
    /// Teltonika over TCP.
    public var deviceServer: DeviceServer { listeners.teltonikaTCP }
    public var teltonikaUDPServer: TeltonikaUDPServer { listeners.teltonikaUDP }
    public var gt06Server: DeviceServer { listeners.gt06 }
    public var ruptelaServer: DeviceServer { listeners.ruptela }
    public var osmandServer: OsmAndServer { listeners.osmand }
    /// TLS listeners beside the plain ones (nil: no TLS port configured for that protocol).
    public var teltonikaTLSServer: DeviceServer? { listeners.teltonikaTLS }
    public var gt06TLSServer: DeviceServer? { listeners.gt06TLS }
    public var ruptelaTLSServer: DeviceServer? { listeners.ruptelaTLS }
    public var osmandTLSServer: OsmAndServer? { listeners.osmandTLS }
    /// The certificate every TLS listener uses, when TLS is on.
    public var tlsCredentials: TLSCredentials? { listeners.tls }
    /// Cargo ↔ vehicle matching and its live suggestion feed.
    public var matching: MatchService { services.matching }
    /// Geofences, deals and the events made from positions.
    public var trackingState: Tracking { tracking }
    /// Deals' progress and ETA.
    public var dealProgress: DealProgressService { services.dealProgress }
    /// Connectivity sweeps and their events.
    public var connectivity: ConnectivityMonitor { services.connectivity }
    /// Webhook deliveries: the event producer calls `wake()` after appending to the event log.
    public var webhooks: WebhookDispatcher { services.webhooks }
    /// GDPR export jobs.
    public var exports: ExportService { services.exports }

    /// Starts everything up to the point of serving: database ready and migrated, spool replayed,
    /// hot index rebuilt, device ports bound. Call `run()` next.
    public static func start(
        configuration: GeoFleetConfiguration, logger: Logger,
        metricsText: @escaping @Sendable () -> String = { "" },
        now: @escaping @Sendable () -> Int64 = { WallClock.nowMilliseconds() }
    ) async throws -> GeoFleetEngine {
        var configuration = configuration
        configuration.storage.dataDirectory = URL(fileURLWithPath: configuration.storage.dataDirectory).standardizedFileURL.path
        let started = ContinuousClock.now
        try FileManager.default.createDirectory(
            atPath: configuration.storage.dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let storage = try await StorageStage.start(configuration, now: now, logger: logger)
        let live = try await LiveStage.load(configuration, store: storage.store, now: now, logger: logger)
        let tracking = try await TrackingStage.load(configuration, storage: storage, live: live, logger: logger)
        let ingest = try await IngestStage.start(configuration, storage: storage, live: live, tap: tracking.evaluator, now: now, logger: logger)
        let listeners = try await ListenerStage.bind(
            configuration, store: storage.store, catalog: live.catalog, pipeline: ingest.pipeline, logger: logger)
        let portSignal = PortSignal()
        let services = try await ServiceStage.start(
            configuration, storage: storage, live: live, tracking: tracking, ingest: ingest, listeners: listeners, portSignal: portSignal,
            metricsText: metricsText, now: now, logger: logger)
        logger.info(
            "engine started",
            metadata: [
                "database": "\(storage.endpoint)", "replayed": "\(ingest.replayedPositions)", "vehicles": "\(live.catalog.count)",
                "hot": "\(live.hot.count)", "teltonikaPort": "\(listeners.teltonikaTCP.port)",
                "gt06Port": "\(listeners.gt06.port)", "ruptelaPort": "\(listeners.ruptela.port)",
                "startup": "\(ContinuousClock.now - started)",
            ])
        return GeoFleetEngine(
            configuration: configuration, storage: storage, live: live, tracking: tracking, ingest: ingest, listeners: listeners,
            services: services, portSignal: portSignal, logger: logger)
    }

    private init(
        configuration: GeoFleetConfiguration, storage: StorageStage, live: LiveStage, tracking: Tracking, ingest: IngestStage,
        listeners: ListenerStage, services: ServiceStage, portSignal: PortSignal, logger: Logger
    ) {
        self.configuration = configuration
        self.storage = storage
        self.live = live
        self.tracking = tracking
        self.ingest = ingest
        self.listeners = listeners
        self.services = services
        self.httpPortSignal = portSignal
        self.logger = logger
    }

    /// Serves until `shutdown()` or, with `handleSignals`, SIGTERM/SIGINT; then stops in order and
    /// stops the embedded database.
    public func run(handleSignals: Bool = false) async throws {
        // A group stops its services in reverse: the API first, the history queue last.
        var members: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: ingest.queue),
            .init(service: onceOnly("partitions", storage.maintainer)),
            .init(service: onceOnly("archive", services.archiveScheduler)),
            .init(service: services.erasureWatcher),
            .init(service: onceOnly("deal-progress", services.dealProgress)),
            .init(service: onceOnly("connectivity", services.connectivity)),
            // Stops after the API and the listeners; rows not yet delivered wait in the database for the next start.
            .init(service: onceOnly("webhooks", services.webhooks)),
            // Stops after the API: running exports end and are marked failed.
            .init(service: services.exports),
            // Stops after every listener: matching follows positions for as long as devices can send them.
            .init(service: services.matchingFeed),
            .init(service: listeners.teltonikaTCP),
            .init(service: listeners.teltonikaUDP),
            .init(service: listeners.gt06),
            .init(service: listeners.ruptela),
            .init(service: listeners.osmand),
        ]
        members += tlsServices(handleSignals: handleSignals)
        members += [
            .init(service: services.suggestionFeed),
            .init(service: services.application),
        ]
        let group = ServiceGroup(
            configuration: .init(services: members, gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [], logger: logger))
        live.cluster?.bus.start()
        serviceGroup.withLock { $0 = group }
        defer { serviceGroup.withLock { $0 = nil } }
        do {
            try await group.run()
        } catch {
            await stopDatabase()
            throw error
        }
        await stopDatabase()
    }

    /// A job that must run on one node at a time: in cluster mode it runs where its lock is held.
    private func onceOnly(_ name: String, _ job: any Service) -> any Service {
        guard configuration.cluster.nodeID != nil else { return job }
        return ElectedService(
            name: name, endpoint: storage.endpoint, retry: .seconds(configuration.cluster.jobRetrySeconds), job: job, logger: logger)
    }

    /// The TLS listeners, and with `handleSignals` the SIGHUP reloader.
    private func tlsServices(handleSignals: Bool) -> [ServiceGroupConfiguration.ServiceConfiguration] {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        for server in [listeners.teltonikaTLS, listeners.gt06TLS, listeners.ruptelaTLS] {
            if let server { services.append(.init(service: server)) }
        }
        if let osmand = listeners.osmandTLS { services.append(.init(service: osmand)) }
        if handleSignals, let tls = listeners.tls {
            services.append(.init(service: TLSReloadOnHangup(credentials: tls, logger: logger)))
        }
        return services
    }

    /// Reads the TLS certificate, key and client CA again (what SIGHUP does); false when TLS is off or a
    /// file is bad (then the old certificate stays).
    @discardableResult
    public func reloadTLS() async -> Bool {
        guard let tls = listeners.tls else { return false }
        return await Task.detached { tls.reload() }.value
    }

    /// Begins a graceful shutdown of `run()`.
    public func shutdown() async {
        let group = serviceGroup.withLock { $0 }
        await group?.triggerGracefulShutdown()
    }

    /// The HTTP port once the server listens.
    public func httpPort() async -> Int {
        await httpPortSignal.wait()
    }

    private func stopDatabase() async {
        await live.cluster?.bus.stop()
        await services.stop()
        await ingest.stop()
        await storage.stop(logger: logger)
    }
}
