/// The operator's console (`/console`) and its base map tiles (`/tiles/{z}/{x}/{y}.png`).
public struct ConsoleSettings: Sendable, ConfigSection {
    /// Debian's `libjs-leaflet` puts Leaflet here; the page says so when it is missing.
    public var leafletDirectory = "/usr/share/javascript/leaflet"
    public var tileMemoryMB = 64
    public var tileDiskMB = 512
    public var tileRenders = 2
    public var tileQueue = 64

    public init() {}

    static var variables: [ConfigVariable<Self>] {
        [
            .text("GEOFLEET_CONSOLE_LEAFLET_DIR", \.leafletDirectory, "where `leaflet.js`, `leaflet.css` and `images/` are served from"),
            .integer("GEOFLEET_TILE_MEMORY_MB", \.tileMemoryMB, 0...65_536, "MB of encoded tiles kept in memory (least recently used dropped)"),
            .integer("GEOFLEET_TILE_DISK_MB", \.tileDiskMB, 0...1_048_576, "MB of tiles kept under `<data dir>/tiles` (0: no disk cache)"),
            .integer("GEOFLEET_TILE_RENDERS", \.tileRenders, 1...64, "tiles rendered at once"),
            .integer("GEOFLEET_TILE_QUEUE", \.tileQueue, 0...10_000, "renders waiting for a slot; past that a tile answers 503"),
        ]
    }
}
