import AsyncHTTPClient
import Foundation
import GeoFleetPlatform
import GeoFleetRedis
import GeoFleetRouteService
import GeoFleetRouting
import Logging

/// Sets up the route provider chain from the configuration: the built-in graphs (built from
/// `GEOFLEET_OSM` when missing or stale), the external router with its breaker, and the cache.
enum RoutingSetup {
    /// The chain, and the HTTP client of the external router (shut down with the engine).
    static func routeService(_ configuration: GeoFleetConfiguration, logger: Logger) async throws -> (RouteService, HTTPClient?) {
        let routing = configuration.routing
        let profiles = routing.profiles.compactMap(VehicleProfile.named)
        var engines: [VehicleClass: RoutingEngine] = [:]
        if let osm = routing.osmPath {
            // Graph builds and loads are long CPU and disk work.
            engines = try await Blocking.run { try loadEngines(osm: osm, profiles: profiles, configuration: configuration, logger: logger) }
        } else {
            logger.info("no GEOFLEET_OSM: routes come from the external router or the heuristic")
        }

        var external: ExternalRouter?
        var httpClient: HTTPClient?
        if let url = routing.externalURL {
            let timeout = Duration.milliseconds(routing.externalTimeoutMilliseconds)
            // Its own client: no connection retries, so a stopped service fails fast and the breaker sees it.
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: ExternalRouter.httpClientConfiguration(timeout: timeout))
            httpClient = client
            let kind = ExternalRouterKind(rawValue: routing.externalKind) ?? .osrm
            let breaker = CircuitBreaker(
                provider: kind.rawValue, failureThreshold: routing.breakerFailures,
                cooldown: .seconds(routing.breakerCooldownSeconds)
            )
            external = ExternalRouter(
                kind: kind, baseURL: url, profile: routing.externalProfile ?? (kind == .osrm ? "driving" : "truck"),
                httpClient: client, timeout: timeout, breaker: breaker, maxSnapMeters: Double(routing.maxSnapMeters)
            )
            logger.info("external router configured", metadata: ["kind": "\(kind.rawValue)", "url": "\(url)"])
        }

        var redisStore: RedisRouteStore?
        if let url = configuration.storage.redisURL {
            let target = try RedisTarget(url: url)
            redisStore = RedisRouteStore(ttlSeconds: routing.cacheTTLSeconds, logger: logger) {
                try target.connect(timeout: .milliseconds(500))
            }
        }
        let cache = RouteCache(
            capacity: routing.cacheEntries, timeToLive: .seconds(routing.cacheTTLSeconds), redis: redisStore
        )
        let service = RouteService(
            engines: engines, external: external, cache: cache,
            defaultProfile: VehicleProfile.named(routing.defaultProfile) ?? VehicleProfile(vehicleClass: .articulated),
            maxMatrixCells: routing.maxMatrixCells, logger: logger
        )
        return (service, httpClient)
    }

    /// Loads `<profile>.graph` files from a directory, or builds them from an `.osm.pbf` first when they are missing or stale.
    static func loadEngines(osm: String, profiles: [VehicleProfile], configuration: GeoFleetConfiguration, logger: Logger) throws
        -> [VehicleClass: RoutingEngine]
    {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: osm, isDirectory: &isDirectory) else {
            throw ConfigurationError(variable: "GEOFLEET_OSM", expected: "an existing .osm.pbf file or graph directory", got: osm)
        }
        let maxSnap = Double(configuration.routing.maxSnapMeters)
        var engines: [VehicleClass: RoutingEngine] = [:]
        if isDirectory.boolValue {
            for profile in profiles {
                let path = (osm as NSString).appendingPathComponent(profile.name + ".graph")
                guard FileManager.default.fileExists(atPath: path) else {
                    logger.warning("no graph for profile; it falls back", metadata: ["profile": "\(profile.name)", "path": "\(path)"])
                    continue
                }
                engines[profile.vehicleClass] = RoutingEngine(graph: try RoutingGraph(contentsOf: path), maxSnapMeters: maxSnap)
            }
        } else {
            let directory = GraphDirectory(dataDir: configuration.storage.dataDirectory, extractPath: osm)
            let stale = try directory.staleProfiles(profiles)
            if !stale.isEmpty {
                logger.info("building road graphs", metadata: ["extract": "\(osm)", "profiles": "\(stale.map(\.name))"])
                var lastLogged = ""
                let result = try directory.build(profiles: stale) { profile, progress in
                    let step = "\(profile) \(progress.phase.rawValue)"
                    if step != lastLogged {
                        lastLogged = step
                        logger.info("graph build", metadata: ["profile": "\(profile)", "phase": "\(progress.phase.rawValue)"])
                    }
                }
                for report in result.reports {
                    logger.info(
                        "graph built",
                        metadata: [
                            "profile": "\(report.profile.name)", "edges": "\(report.summary.edges)", "turns": "\(report.summary.turns)",
                            "shortcuts": "\(report.summary.shortcuts)", "seconds": "\(report.seconds)", "bytes": "\(report.fileBytes)",
                        ])
                }
            }
            engines = try directory.loadEngines(profiles, maxSnapMeters: maxSnap)
        }
        for (vehicleClass, engine) in engines {
            logger.info(
                "road graph loaded",
                metadata: [
                    "profile": "\(vehicleClass.rawValue)", "edges": "\(engine.graph.summary.edges)",
                    "memoryBytes": "\(engine.graph.memoryBytes)",
                ])
        }
        return engines
    }
}
