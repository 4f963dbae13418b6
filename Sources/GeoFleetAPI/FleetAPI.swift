import GeoFleetConsole
import GeoFleetCore
import GeoFleetExport
import GeoFleetGeometry
import GeoFleetHotIndex
import GeoFleetIngest
import GeoFleetLive
import GeoFleetMatchService
import GeoFleetPostGIS
import GeoFleetPricingService
import GeoFleetRouteService
import GeoFleetTiles
import GeoFleetTracking
import Hummingbird

/// What the API routes need from the rest of the engine.
public struct FleetAPIDependencies: Sendable {
    public var store: FleetStore
    public var hot: HotPositions
    public var catalog: VehicleCatalog
    public var pipeline: IngestPipeline
    /// Device bindings cached for the listeners; dropped when a vehicle's device changes.
    public var directory: DeviceDirectory
    public var tokens: TokenAuthority
    /// Per-user request limits (429 with Retry-After).
    public var rateLimiter: RateLimiter
    /// The live stream's events (and their resume window).
    public var events: FleetEventHub
    /// WGS84 → EPSG:3035 for track simplification; nil when PROJ could not set it up.
    public var projection: MetricProjection?
    /// Renders `/metrics` (Prometheus text format).
    public var metricsText: @Sendable () -> String
    public var now: @Sendable () -> Int64
    /// Road distances and durations (`/api/routes/*`).
    public var routes: RouteService
    /// Cargo ↔ vehicle matching (`/api/cargo/*`, `/api/match/*`, cost settings).
    public var matching: MatchService
    /// Erases a vehicle's history from every store and from memory (`DELETE /api/fleet/vehicles/{id}/history`); nil: 500.
    public var eraseHistory: HistoryEraseFunction?
    /// Live streams each user may hold open at once (`GEOFLEET_STREAMS_PER_USER`).
    public var streamSlots: StreamSlots
    /// Geofences, deals and their events; nil: those routes answer 503.
    public var tracking: Tracking?
    /// Vehicles' connectivity on the map and in the list; nil: not shown.
    public var connectivity: ConnectivityMonitor?
    /// Where every write is recorded (`GET /api/audit` reads it); nil: nothing recorded, 503.
    public var audit: AuditLog?
    /// Device claim codes (binding a tracker needs its code); nil: bindings are not checked.
    public var claims: DeviceClaims?
    /// Service tokens only over TLS with a verified client certificate (`GEOFLEET_SERVICE_CLIENT_CERT=required`).
    public var serviceNeedsClientCertificate = false
    /// GDPR export jobs (`/api/privacy/exports`); nil: those routes answer 503.
    public var exports: ExportService?
    /// Cost analysis, quote suggestions and the accepted deals they read; nil: those routes answer 503.
    public var pricing: CostAnalysisService?
    /// The console's files (`/console`); nil: 404.
    public var console: ConsoleAssets?
    /// The console's base map (`/tiles/…`); nil: 503.
    public var tiles: TileService?
    /// Cluster mode: tells the other nodes that cached data changed; nil: a single node.
    public var announceChange: (@Sendable (CacheChange) -> Void)?

    public init(
        store: FleetStore, hot: HotPositions, catalog: VehicleCatalog, pipeline: IngestPipeline, directory: DeviceDirectory,
        tokens: TokenAuthority, rateLimiter: RateLimiter, events: FleetEventHub, projection: MetricProjection?,
        metricsText: @escaping @Sendable () -> String, now: @escaping @Sendable () -> Int64, routes: RouteService,
        matching: MatchService, eraseHistory: HistoryEraseFunction?, streamSlots: StreamSlots
    ) {
        self.store = store
        self.hot = hot
        self.catalog = catalog
        self.pipeline = pipeline
        self.directory = directory
        self.tokens = tokens
        self.rateLimiter = rateLimiter
        self.events = events
        self.projection = projection
        self.metricsText = metricsText
        self.now = now
        self.routes = routes
        self.matching = matching
        self.eraseHistory = eraseHistory
        self.streamSlots = streamSlots
    }
}

/// Builds the internal HTTP API's router (CONTRACT.md).
public enum FleetAPI {
    /// `/healthz`'s answer, made once: buffers are copy-on-write, so every response shares it.
    static let healthBody = ByteBuffer(string: #"{"status":"ok"}"#)

    public static func router(_ deps: FleetAPIDependencies) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: ErrorMiddleware())
        router.get("/healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: healthBody))
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: deps.metricsText())))
        }
        if let console = deps.console { ConsoleRoutes(assets: console).register(on: router) }
        TileRoutes(tiles: deps.tiles).register(on: router)
        let api = router.group("api")
            .add(middleware: AuthMiddleware(tokens: deps.tokens, serviceNeedsClientCertificate: deps.serviceNeedsClientCertificate))
            .add(middleware: RateLimitMiddleware(limiter: deps.rateLimiter))
            .add(middleware: AuditMiddleware(log: deps.audit))
            .add(middleware: ChangeAnnouncementMiddleware(announce: deps.announceChange))
        FleetRoutes(deps: deps).register(on: api)
        VehicleChangeRoutes(deps: deps).register(on: api)
        TrackRoutes(deps: deps).register(on: api)
        HistoryErasureRoutes(deps: deps).register(on: api)
        StreamRoutes(deps: deps).register(on: api)
        MapRoutes(deps: deps).register(on: api)
        RouteRoutes(deps: deps).register(on: api)
        CargoRoutes(deps: deps).register(on: api)
        MatchRoutes(deps: deps).register(on: api)
        CostSettingsRoutes(deps: deps).register(on: api)
        CostAnalysisRoutes(deps: deps).register(on: api)
        MarketDealRoutes(deps: deps).register(on: api)
        GeofenceRoutes(deps: deps).register(on: api)
        DealRoutes(deps: deps).register(on: api)
        TripRoutes(deps: deps).register(on: api)
        WebhookRoutes(deps: deps).register(on: api)
        EventRoutes(deps: deps).register(on: api)
        AuditRoutes(deps: deps).register(on: api)
        DeviceClaimRoutes(deps: deps).register(on: api)
        PrivacyExportRoutes(deps: deps).register(on: api)
        return router
    }
}
