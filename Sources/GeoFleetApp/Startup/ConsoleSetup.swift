import GeoFleetConsole
import GeoFleetPlatform
import GeoFleetRouteService
import GeoFleetRouting
import GeoFleetTiles
import Logging

/// The console's files and its tile service over the widest loaded road graph (car, else any).
enum ConsoleSetup {
    static func assets(_ configuration: GeoFleetConfiguration, logger: Logger) -> ConsoleAssets {
        let assets = ConsoleAssets(leafletDirectory: configuration.console.leafletDirectory)
        if !assets.leafletAvailable {
            logger.warning(
                "Leaflet not found; /console shows no map until libjs-leaflet is installed",
                metadata: ["directory": "\(configuration.console.leafletDirectory)"])
        }
        return assets
    }

    static func tiles(_ configuration: GeoFleetConfiguration, routes: RouteService, logger: Logger) -> TileService {
        let c = configuration.console
        var settings = TileService.Settings()
        settings.memoryBytes = c.tileMemoryMB << 20
        settings.diskBytes = c.tileDiskMB << 20
        settings.diskDirectory = configuration.storage.dataDirectory + "/tiles"
        settings.maxConcurrentRenders = c.tileRenders
        settings.maxQueuedRenders = c.tileQueue
        let engine = routes.engines[.car] ?? routes.engines.values.max { $0.graph.edgeCount < $1.graph.edgeCount }
        let source = engine.map { GraphTileRoads(graph: $0.graph) }
        if let source {
            // The edge grid is built in the background, so the first tile does not wait for it.
            Task { await Blocking.run { source.prepare() } }
        } else {
            logger.info("no road graph: /tiles draws a plain grid")
        }
        return TileService(source: source, settings: settings, logger: logger)
    }
}
