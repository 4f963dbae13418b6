import AsyncHTTPClient
import GeoFleetAPI
import GeoFleetArchive
import GeoFleetEvents
import GeoFleetExport
import GeoFleetGeometry
import GeoFleetIngest
import GeoFleetMatchService
import GeoFleetPostGIS
import GeoFleetPricingService
import GeoFleetTracking
import Hummingbird
import HummingbirdWebSocket
import Logging

/// Start-up, last: road routing, matching and its feeds, the archive job, the erasure watcher, the
/// webhook dispatcher and the API application.
struct ServiceStage: Sendable {
    /// The external router's HTTP client, when one is configured.
    let routeHTTPClient: HTTPClient?
    /// Cargo ↔ vehicle matching.
    let matching: MatchService
    let matchingFeed: MatchingPositionFeed
    let suggestionFeed: SuggestionFeed
    let archiveScheduler: ArchiveScheduler
    let erasureWatcher: ErasureWatcher
    /// Deals' progress and ETA, at most once a minute each.
    let dealProgress: DealProgressService
    /// Connectivity changes, announced.
    let connectivity: ConnectivityMonitor
    /// Webhook deliveries and the event log's retention purge.
    let webhooks: WebhookDispatcher
    /// The dispatcher's own HTTP client (no redirects), shut down with the engine.
    let webhookHTTPClient: HTTPClient
    /// GDPR export jobs and the purge of their files.
    let exports: ExportService
    let application: Application<RouterResponder<APIRequestContext>>

    /// Stored batches waiting for matching, at most (the oldest go first, see `IngestPipeline.storedBatches`):
    /// as many as matching's own trigger buffer; matching's work per batch is small, so the buffer only
    /// fills when matching is starved, and then holds some tens of MB at worst.
    static let storedBatchBuffer = 100_000

    static func start(
        _ configuration: GeoFleetConfiguration, storage: StorageStage, live: LiveStage, tracking: Tracking, ingest: IngestStage,
        listeners: ListenerStage, portSignal: PortSignal, metricsText: @escaping @Sendable () -> String,
        now: @escaping @Sendable () -> Int64, logger: Logger
    ) async throws -> ServiceStage {
        let (routes, routeHTTPClient) = try await RoutingSetup.routeService(configuration, logger: logger)
        let matching = MatchService(
            catalog: live.catalog, hot: live.hot, routes: routes, store: MatchStore(client: storage.client, logger: logger),
            configuration: configuration.matching, now: now, logger: logger)
        try await matching.load()
        // Matching follows stored positions from here on; those stored before (the replay) never reach it.
        let matchingFeed = MatchingPositionFeed(batches: ingest.pipeline.storedBatches(bufferingNewest: storedBatchBuffer), matching: matching)
        let suggestionFeed = SuggestionFeed(service: matching, catalog: live.catalog, events: live.events, logger: logger)
        let forgetter = VehicleForgetter(hot: live.hot, catalog: live.catalog, events: live.events, matching: matching)
        let archiveContext = try ArchiveSetup.context(configuration.archive, endpoint: storage.endpoint, logger: logger)
        let dealProgress = tracking.progressService(hot: live.hot, routes: routes, now: now, logger: logger)
        let directory = listeners.directory
        let connectivity = try await tracking.connectivityMonitor(
            catalog: live.catalog, hot: live.hot, connected: { directory.connectedVehicleKeys() }, now: now, logger: logger)
        var apiDependencies = FleetAPIDependencies(
            store: storage.store, hot: live.hot, catalog: live.catalog, pipeline: ingest.pipeline, directory: listeners.directory,
            tokens: listeners.tokens, rateLimiter: listeners.rateLimiter, events: live.events, projection: metricProjection(logger: logger),
            metricsText: metricsText, now: now, routes: routes, matching: matching,
            eraseHistory: APIHistoryEraser.function(context: archiveContext, forgetter: forgetter, now: now),
            streamSlots: StreamSlots(perUser: configuration.apiLimits.streamsPerUser))
        apiDependencies.tracking = tracking
        apiDependencies.pricing = CostAnalysisService(
            matching: matching, routes: routes, deals: MarketDealStore(client: storage.client, logger: logger), now: now, logger: logger)
        apiDependencies.connectivity = connectivity
        apiDependencies.audit = AuditLog(client: storage.client, logger: logger)
        apiDependencies.claims = DeviceClaims(client: storage.client, policy: configuration.devices.claimPolicy, logger: logger)
        apiDependencies.serviceNeedsClientCertificate = configuration.tls.serviceClientCert == "required"
        if let cluster = live.cluster {
            cluster.receiver.attach(directory: listeners.directory, tracking: tracking, matching: matching)
            apiDependencies.announceChange = { cluster.bus.publish(change: $0) }
        }
        let exports = exportService(configuration, storage: storage, keys: archiveContext.keys, now: now, logger: logger)
        apiDependencies.exports = exports
        apiDependencies.console = ConsoleSetup.assets(configuration, logger: logger)
        apiDependencies.tiles = ConsoleSetup.tiles(configuration, routes: routes, logger: logger)
        let archiveScheduler = ArchiveScheduler(
            archiver: PartitionArchiver(context: archiveContext, retentionDays: configuration.archive.retentionDays, now: now),
            everyHours: configuration.archive.everyHours, logger: logger)
        let erasureWatcher = ErasureWatcher(client: storage.client, forgetter: forgetter, interval: .seconds(5), logger: logger)
        let webhookConfiguration = configuration.events.webhookConfiguration
        let webhookHTTPClient = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: WebhookDispatcher.httpClientConfiguration(webhookConfiguration))
        let webhooks = WebhookDispatcher(
            client: storage.client, httpClient: webhookHTTPClient, configuration: webhookConfiguration, now: now,
            logger: logger)
        tracking.onEventsStored { webhooks.wake() }
        let router = FleetAPI.router(apiDependencies)
        let application = Application(
            router: router,
            server: GuardedHTTPServer.http1WebSocketUpgrade(
                webSocketRouter: router, limits: configuration.apiLimits,
                tls: listeners.tls.map { GuardedHTTPServer.TLS(credentials: $0, plainHTTP: configuration.tls.httpPlain == "on") }),
            configuration: .init(
                address: .hostname(configuration.listeners.bindHost, port: configuration.listeners.httpPort), serverName: "geofleet"),
            onServerRunning: { channel in portSignal.set(channel.localAddress?.port ?? 0) },
            logger: logger)
        return ServiceStage(
            routeHTTPClient: routeHTTPClient, matching: matching, matchingFeed: matchingFeed, suggestionFeed: suggestionFeed,
            archiveScheduler: archiveScheduler, erasureWatcher: erasureWatcher, dealProgress: dealProgress, connectivity: connectivity,
            webhooks: webhooks, webhookHTTPClient: webhookHTTPClient, exports: exports,
            application: application)
    }

    /// Export jobs writing under `<data dir>/exports`, reading archives where `geofleet archive` puts them.
    static func exportService(
        _ configuration: GeoFleetConfiguration, storage: StorageStage, keys: ArchiveKeyring, now: @escaping @Sendable () -> Int64,
        logger: Logger
    ) -> ExportService {
        let directory = configuration.storage.dataDirectory + "/exports"
        let exporter = PositionExporter(
            endpoint: storage.endpoint, archiveDirectory: configuration.archive.directory, keys: keys, logger: logger)
        return ExportService(
            client: storage.client, exporter: exporter,
            settings: ExportServiceSettings(
                directory: directory, retentionHours: configuration.exports.retentionHours, workers: configuration.exports.workers),
            now: now, logger: logger)
    }

    /// The projection for track simplification; without it the API answers 503 to `simplify`.
    static func metricProjection(logger: Logger) -> MetricProjection? {
        do {
            return try MetricProjection()
        } catch {
            logger.error("PROJ could not set up EPSG:3035; track simplification is off", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Shuts the external router's and the webhooks' clients down.
    func stop() async {
        try? await routeHTTPClient?.shutdown()
        try? await webhookHTTPClient.shutdown()
    }
}
