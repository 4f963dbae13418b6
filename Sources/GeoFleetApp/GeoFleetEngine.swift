import Foundation
import AsyncHTTPClient
import GeoFleetAPI
import GeoFleetArchive
import GeoFleetCore
import GeoFleetGeometry
import GeoFleetHotIndex
import GeoFleetIngest
import GeoFleetMatchService
import GeoFleetPlatform
import GeoFleetPostGIS
import GeoFleetSpool
import GeoFleetRedis
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The whole engine: database, spool, ingest, device listener and API, started in order and
/// stopped in reverse.
public final class GeoFleetEngine: Sendable {
    public let configuration: GeoFleetConfiguration
    public let endpoint: DatabaseEndpoint
    public let store: FleetStore
    public let hot: HotPositions
    public let catalog: VehicleCatalog
    public let pipeline: IngestPipeline
    /// Live events for `/api/stream` (and Redis, when configured).
    public let events: FleetEventHub
    public let queue: HistoryQueue
    public let spool: Spool
    public let tokens: TokenAuthority
    /// Teltonika over TCP.
    public let deviceServer: DeviceServer
    public let teltonikaUDPServer: TeltonikaUDPServer
    public let gt06Server: DeviceServer
    public let ruptelaServer: DeviceServer
    public let osmandServer: OsmAndServer
    /// Device bindings as the listeners resolve them.
    public let directory: DeviceDirectory
    /// Rows replayed from the spool at start.
    public let replayedPositions: Int
    /// Cargo ↔ vehicle matching and its live suggestion feed.
    public let matching: MatchService
    private let suggestionFeed: SuggestionFeed

    private let client: PostgresClient
    private let clientTask: Task<Void, Never>
    private let writer: HistoryWriter
    private let embedded: EmbeddedPostgres?
    private let application: Application<RouterResponder<APIRequestContext>>
    private let maintainer: PartitionMaintainer
    private let archiveScheduler: ArchiveScheduler
    private let erasureWatcher: ErasureWatcher
    private let logger: Logger
    private let httpPortSignal = PortSignal()
    private let serviceGroup = Mutex<ServiceGroup?>(nil)
    /// The external router's HTTP client, when one is configured.
    private let routeHTTPClient: HTTPClient?

    /// Starts everything up to the point of serving: database ready and migrated, spool replayed,
    /// hot index rebuilt, device port bound. Call `run()` next.
    public static func start(
        configuration: GeoFleetConfiguration, logger: Logger,
        metricsText: @escaping @Sendable () -> String = { "" },
        now: @escaping @Sendable () -> Int64 = { WallClock.nowMilliseconds() }
    ) async throws -> GeoFleetEngine {
        try await GeoFleetEngine(configuration: configuration, logger: logger, metricsText: metricsText, now: now)
    }

    private init(configuration: GeoFleetConfiguration, logger: Logger, metricsText: @escaping @Sendable () -> String,
                 now: @escaping @Sendable () -> Int64) async throws {
        var configuration = configuration
        configuration.dataDirectory = URL(fileURLWithPath: configuration.dataDirectory).standardizedFileURL.path
        self.configuration = configuration
        self.logger = logger
        let started = ContinuousClock.now
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])

        // 1. Database.
        if let url = configuration.databaseURL {
            endpoint = try DatabaseEndpoint(url: url)
            embedded = nil
        } else {
            let cluster = configuration.embeddedCluster(logger: logger)
            try cluster.start()
            try await Self.createDatabaseIfMissing(GeoFleetConfiguration.embeddedDatabaseName, on: cluster.endpoint(), logger: logger)
            endpoint = cluster.endpoint(database: GeoFleetConfiguration.embeddedDatabaseName)
            embedded = cluster
        }
        let scheme = PartitionScheme(hours: configuration.partitionHours)
        let migrationConnection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: endpoint.connectionConfiguration, id: 0, logger: logger)
        do {
            try await Migrations.migrate(migrationConnection, logger: logger)
            try await migrationConnection.close()
        } catch {
            try? await migrationConnection.close()
            throw error
        }
        client = PostgresClient(configuration: endpoint.clientConfiguration, backgroundLogger: logger)
        let client = self.client
        clientTask = Task { await client.run() }
        store = FleetStore(client: client, logger: logger)
        maintainer = PartitionMaintainer(client: client, scheme: scheme, ahead: configuration.partitionsAhead, now: now, logger: logger)
        try await maintainer.ensure()

        // 2. In-memory state from PostGIS.
        catalog = VehicleCatalog()
        for v in try await store.allVehicles() { catalog.insert(.init(v)) }
        hot = HotPositions()
        // A stored latest fix dated in the future was received by now at the latest: later real fixes beat it.
        let loadedAt = now()
        for p in try await store.latestPositions() {
            hot.update(HotFix(vehicleKey: p.vehicleKey, latitude: p.latitude, longitude: p.longitude, fixTime: p.fixTime,
                              speedKmh: p.speedKmh, heading: p.heading, source: PositionSource(name: p.source) ?? .device,
                              receivedTime: loadedAt),
                       owner: p.owner)
        }
        let recent = RecentFixes()
        for (key, times) in try await store.recentFixTimes(perVehicle: 64, since: now() - 2 * 86_400_000) {
            recent.seed(vehicleKey: key, fixTimes: times)
        }

        // 3. Spool and the path to PostGIS; replay what PostGIS has not committed.
        writer = HistoryWriter(endpoint: endpoint, scheme: scheme, writeTimeout: configuration.writerTimeout, logger: logger)
        let committed = try await writer.committedSequence()
        spool = try Spool(
            configuration: SpoolConfiguration(directory: configuration.dataDirectory + "/spool", maxPendingBytes: configuration.spoolMaxBytes),
            sequencesAfter: committed, logger: logger)
        queue = HistoryQueue(writer: writer, spool: spool, committed: committed, maxRows: configuration.writerBatchRows,
                             maxDelay: configuration.writerBatchDelay, logger: logger)
        let catalog = self.catalog
        let relay = try Self.redisRelay(configuration, logger: logger)
        var relayEvent: (@Sendable (FleetEvent) -> Void)?
        if let relay { relayEvent = { relay.relay($0) } }
        events = FleetEventHub(now: now, relay: relayEvent)
        // Matching needs the route chain, set up after the listeners; until then stored positions go nowhere.
        let matchingSlot = LateBound<MatchService>()
        pipeline = IngestPipeline(
            spool: spool, queue: queue, hot: hot, recent: recent, filter: configuration.filter,
            events: events, vehicleIDs: { catalog.entry(key: $0)?.id },
            onStored: { positions, owner in matchingSlot.value?.positionsStored(positions, owner: owner) },
            now: now, logger: logger)
        var replayed = 0
        // Positions of vehicles erased while they were still pending in the spool are not replayed.
        let erased = try await ErasureLedger.all(client: client, logger: logger)
        for record in try spool.records(after: committed) {
            do {
                let positions = try PositionBinaryCodec.decode(record.payload).filter { !ErasureLedger.isErased($0, erased) }
                pipeline.replay(sequence: record.sequence, positions: positions) { catalog.entry(key: $0)?.owner }
                replayed += positions.count
            } catch {
                logger.error("undecodable spool record skipped", metadata: ["sequence": "\(record.sequence)", "error": "\(error)"])
            }
        }
        replayedPositions = replayed
        // Only now may the queue pass over sequences the replay did not find (damaged records).
        queue.replayFinished()

        // 4. Listeners.
        tokens = try await TokenAuthority(
            secret: try configuration.resolvedJWTSecret(), jwksFile: configuration.jwksFile,
            options: .init(leeway: TimeInterval(configuration.jwtLeewaySeconds), issuer: configuration.jwtIssuer,
                           authorizedParties: configuration.jwtAuthorizedParties))
        let rateLimiter = RateLimiter(configuration: RateLimitConfiguration(
            fleetWritesPerHour: configuration.rateLimitFleetWritesPerHour, apiPerMinute: configuration.rateLimitAPIPerMinute,
            routingPerMinute: configuration.rateLimitRoutingPerMinute, maxTrackedUsers: configuration.rateLimitMaxUsers))
        let directory = DeviceDirectory(
            store: store, autoRegisterOwner: configuration.autoRegister ? configuration.autoRegisterOwner : nil,
            unknownTTL: .seconds(configuration.deviceUnknownCacheSeconds))
        self.directory = directory
        let limits = configuration.deviceLimits
        let host = configuration.bindHost
        (deviceServer, teltonikaUDPServer) = try await Self.bindTeltonika(
            host: host, port: configuration.teltonikaPort, directory: directory, pipeline: pipeline, limits: limits, logger: logger)
        gt06Server = try await .bind(
            .gt06, host: host, port: configuration.gt06Port, directory: directory, pipeline: pipeline, limits: limits, logger: logger)
        ruptelaServer = try await .bind(
            .ruptela, host: host, port: configuration.ruptelaPort, directory: directory, pipeline: pipeline, limits: limits, logger: logger)
        osmandServer = OsmAndServer(
            host: host, port: configuration.osmandPort, directory: directory, pipeline: pipeline,
            requestTimeout: .seconds(Int64(configuration.osmandRequestSeconds)), connections: limits.connections, logger: logger)
        let (routes, routeHTTPClient) = try await RoutingSetup.routeService(configuration, logger: logger)
        self.routeHTTPClient = routeHTTPClient
        matching = MatchService(catalog: catalog, hot: hot, routes: routes, store: MatchStore(client: client, logger: logger),
                                configuration: configuration.matching, now: now, logger: logger)
        try await matching.load()
        matchingSlot.set(matching)
        suggestionFeed = SuggestionFeed(service: matching, catalog: catalog, events: events, logger: logger)
        var apiDependencies = FleetAPIDependencies(
            store: store, hot: hot, catalog: catalog, pipeline: pipeline, directory: directory, tokens: tokens, rateLimiter: rateLimiter, events: events,
            projection: Self.metricProjection(logger: logger), metricsText: metricsText, now: now, routes: routes, matching: matching)
        let archiveContext = ArchiveContext(endpoint: endpoint, directory: configuration.archiveDirectory, logger: logger)
        apiDependencies.eraseHistory = Self.historyEraser(context: archiveContext, hot: hot, catalog: catalog, events: events, now: now)
        apiDependencies.streamSlots = StreamSlots(perUser: configuration.apiLimits.streamsPerUser)
        archiveScheduler = ArchiveScheduler(
            archiver: PartitionArchiver(context: archiveContext, retentionDays: configuration.retentionDays, now: now),
            everyHours: configuration.archiveEveryHours, logger: logger)
        erasureWatcher = ErasureWatcher(client: client, hot: hot, catalog: catalog, events: events, matching: matching, interval: .seconds(5), logger: logger)
        let router = FleetAPI.router(apiDependencies)
        let portSignal = httpPortSignal
        application = Application(
            router: router,
            server: GuardedHTTPServer.http1WebSocketUpgrade(webSocketRouter: router, limits: configuration.apiLimits),
            configuration: .init(address: .hostname(configuration.bindHost, port: configuration.httpPort), serverName: "geofleet"),
            onServerRunning: { channel in portSignal.set(channel.localAddress?.port ?? 0) },
            logger: logger)
        logger.info("engine started", metadata: [
            "database": "\(endpoint)", "replayed": "\(replayed)", "vehicles": "\(catalog.count)",
            "hot": "\(hot.count)", "teltonikaPort": "\(deviceServer.port)",
            "gt06Port": "\(gt06Server.port)", "ruptelaPort": "\(ruptelaServer.port)",
            "startup": "\(ContinuousClock.now - started)",
        ])
    }

    /// Serves until `shutdown()` or, with `handleSignals`, SIGTERM/SIGINT; then stops in order and
    /// stops the embedded database.
    public func run(handleSignals: Bool = false) async throws {
        let group = ServiceGroup(configuration: .init(
            services: [
                .init(service: queue),
                .init(service: maintainer),
                .init(service: archiveScheduler),
                .init(service: erasureWatcher),
                .init(service: deviceServer),
                .init(service: teltonikaUDPServer),
                .init(service: gt06Server),
                .init(service: ruptelaServer),
                .init(service: osmandServer),
                .init(service: suggestionFeed),
                .init(service: application),
            ],
            gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
            logger: logger))
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

    /// Begins a graceful shutdown of `run()`.
    public func shutdown() async {
        let group = serviceGroup.withLock { $0 }
        await group?.triggerGracefulShutdown()
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

    /// The API's erasure: PostGIS, spool (via the ledger the writer checks), archives, then the hot index
    /// and the live stream's resume window.
    static func historyEraser(context: ArchiveContext, hot: HotPositions, catalog: VehicleCatalog, events: FleetEventHub,
                              now: @escaping @Sendable () -> Int64) -> HistoryEraseFunction {
        let eraser = HistoryEraser(context: context, now: now)
        return { key, id, user in
            let result = try await eraser.erase([ErasedVehicle(key: key, id: id)], subjectUser: user, requestedBy: user, channel: "api")
            if let owner = catalog.entry(key: key)?.owner { hot.remove(vehicleKey: key, owner: owner) }
            events.redactPositions(of: id)
            return HistoryErasureOutcome(deletedPositions: result.liveRowsDeleted, archivesRewritten: result.archivesRewritten,
                                         archiveRowsRemoved: result.archiveRowsRemoved, archivesPending: result.archivesPending)
        }
    }

    /// Publishes fleet events to Redis when `GEOFLEET_REDIS_URL` is set (`redis://host:port` or `unix:///path`).
    static func redisRelay(_ configuration: GeoFleetConfiguration, logger: Logger) throws -> RedisEventRelay? {
        guard let url = configuration.redisURL else { return nil }
        let target = try RedisTarget(url: url)
        logger.info("fleet events go to Redis pub/sub", metadata: ["redis": "\(url)"])
        return RedisEventRelay(logger: logger) {
            switch target {
            case .tcp(let host, let port): try RedisConnection(host: host, port: port)
            case .unixSocket(let path): try RedisConnection(unixSocket: path)
            }
        }
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

    /// The HTTP port once the server listens.
    public func httpPort() async -> Int {
        await httpPortSignal.wait()
    }

    private func stopDatabase() async {
        try? await routeHTTPClient?.shutdown()
        await writer.close()
        spool.close()
        clientTask.cancel()
        await clientTask.value
        if let embedded {
            do { try embedded.stop() } catch { logger.error("stopping PostgreSQL failed", metadata: ["error": "\(error)"]) }
        }
    }

    static func createDatabaseIfMissing(_ name: String, on endpoint: DatabaseEndpoint, logger: Logger) async throws {
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: endpoint.connectionConfiguration, id: 0, logger: logger)
        defer { Task { try? await connection.close() } }
        var exists = false
        for try await _ in try await connection.query("SELECT 1 FROM pg_database WHERE datname = \(name)", logger: logger).decode(Int.self) {
            exists = true
        }
        if !exists {
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \"\(name)\""), logger: logger)
        }
    }
}
