import Foundation
import GeoFleetCore
import GeoFleetPlatform
import Logging
import Metrics

/// Serves tiles: memory cache, then disk cache, then a render off the caller's thread behind a ``RenderGate``.
///
/// Metrics: `geofleet_tile_render_seconds{layer}`, `geofleet_tile_cache_hits_total{store}`,
/// `geofleet_tile_cache_misses_total`, `geofleet_tile_renders_refused_total`.
public final class TileService: Sendable {
    /// Limits and places (`GEOFLEET_TILE_*`).
    public struct Settings: Sendable {
        public var memoryBytes = 64 << 20
        /// Where disk-cached tiles go (`<data dir>/tiles`); nil: memory only.
        public var diskDirectory: String?
        public var diskBytes = 512 << 20
        public var maxConcurrentRenders = 2
        public var maxQueuedRenders = 64

        public init() {}
    }

    /// A tile and where it came from.
    public struct Tile: Sendable {
        public var png: [UInt8]
        public var etag: String
        public var origin: Origin
    }

    /// Where a tile was found.
    public enum Origin: String, Sendable {
        case memory, disk, render
    }

    /// Why no tile was served.
    public enum Failure: Error, Sendable {
        /// Renders and the queue are full: try again shortly (503 with Retry-After).
        case busy
        /// cairo could not draw (500).
        case renderFailed
    }

    public let renderer: TileRenderer
    public let memory: TileMemoryCache
    public let disk: TileDiskCache?
    /// The data's short digest, the first part of every ETag.
    public let dataTag: String
    private let gate: RenderGate
    private let logger: Logger

    public init(source: (any TileRoadSource)?, settings: Settings, logger: Logger) {
        renderer = TileRenderer(source: source)
        memory = TileMemoryCache(capacityBytes: settings.memoryBytes)
        let identity = (source?.identity ?? "grid") + "/style-\(RoadStyle.version)"
        dataTag = FNV1a.hex(identity.utf8)
        var disk: TileDiskCache?
        if let root = settings.diskDirectory, settings.diskBytes > 0 {
            do {
                disk = try TileDiskCache(root: root, identity: identity, capacityBytes: settings.diskBytes)
            } catch {
                logger.warning("tile disk cache unavailable; memory only", metadata: ["directory": "\(root)", "error": "\(error)"])
            }
        }
        self.disk = disk
        gate = RenderGate(limit: settings.maxConcurrentRenders, queue: settings.maxQueuedRenders)
        self.logger = logger
    }

    /// Whether a road graph backs the tiles (else they are a plain grid).
    public var hasRoads: Bool { renderer.source != nil }

    /// The tile's ETag, known before any lookup: the data, the style version and the address fix the image.
    public func etag(_ key: TileKey) -> String {
        "\"\(dataTag)-\(key.layer.rawValue)-\(key.address.z)-\(key.address.x)-\(key.address.y)\""
    }

    /// The tile, from a cache or rendered now.
    public func tile(_ key: TileKey) async throws(Failure) -> Tile {
        let etag = etag(key)
        if let png = memory.get(key) {
            Counter(label: "geofleet_tile_cache_hits_total", dimensions: [("store", "memory")]).increment()
            return Tile(png: png, etag: etag, origin: .memory)
        }
        if let disk, let png = await Blocking.run({ disk.read(key) }) {
            Counter(label: "geofleet_tile_cache_hits_total", dimensions: [("store", "disk")]).increment()
            memory.put(key, png)
            return Tile(png: png, etag: etag, origin: .disk)
        }
        Counter(label: "geofleet_tile_cache_misses_total").increment()
        guard await gate.enter() else {
            Counter(label: "geofleet_tile_renders_refused_total").increment()
            throw .busy
        }
        defer { gate.leave() }
        let renderer = renderer
        let disk = disk
        let started = ContinuousClock.now
        let png = await Blocking.run { () -> [UInt8] in
            let png = renderer.render(key.address, layer: key.layer)
            if !png.isEmpty { disk?.write(key, png) }
            return png
        }
        let elapsed = started.duration(to: .now)
        Metrics.Timer(label: "geofleet_tile_render_seconds", dimensions: [("layer", key.layer.rawValue)], preferredDisplayUnit: .seconds)
            .recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        guard !png.isEmpty else {
            logger.error("tile render failed", metadata: ["tile": "\(key.address)", "layer": "\(key.layer.rawValue)"])
            throw .renderFailed
        }
        memory.put(key, png)
        return Tile(png: png, etag: etag, origin: .render)
    }
}
