import GeoFleetAPI
import GeoFleetGeometry
import GeoFleetHotIndex
import GeoFleetIngest
import GeoFleetLive
import GeoFleetMatchService
import GeoFleetPostGIS
import GeoFleetRouteService
import Logging

extension FleetAPIDependencies {
    /// The API's dependencies for a router under test: heuristic routes, matching in memory only, no
    /// history erasure (500), and 8 live streams per user.
    init(
        store: FleetStore, hot: HotPositions, catalog: VehicleCatalog, pipeline: IngestPipeline, directory: DeviceDirectory,
        tokens: TokenAuthority, rateLimiter: RateLimiter, events: FleetEventHub, projection: MetricProjection?,
        metricsText: @escaping @Sendable () -> String, now: @escaping @Sendable () -> Int64
    ) {
        let routes = RouteService(engines: [:], external: nil, cache: RouteCache(), logger: Logger(label: "geofleet.routes"))
        self.init(
            store: store, hot: hot, catalog: catalog, pipeline: pipeline, directory: directory, tokens: tokens, rateLimiter: rateLimiter,
            events: events, projection: projection, metricsText: metricsText, now: now, routes: routes,
            matching: MatchService(catalog: catalog, hot: hot, routes: routes, store: nil, now: now, logger: Logger(label: "geofleet.match")),
            eraseHistory: nil, streamSlots: StreamSlots(perUser: 8))
    }
}
