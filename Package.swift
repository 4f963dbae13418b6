// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6)
]

let package = Package(
    name: "GeoFleet",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "geofleetd", targets: ["geofleetd"]),
        .executable(name: "geofleet", targets: ["geofleet"]),
        .executable(name: "geofleet-bench", targets: ["geofleet-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        // Already in the graph through Hummingbird; GeoFleetIngest names its HTTP part types directly.
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        // Already in the graph through Hummingbird; Ingest, API and the integration tests name HTTPRequest/HTTPResponse.
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "4.1.0"..<"6.0.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // Platform chores below everything else: blocking work off the cooperative pool, child
        // processes, the repository root, wall-clock milliseconds, random names.
        .target(
            name: "GeoFleetPlatform",
            dependencies: [.product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        // Bottom layer: pure models and codecs, no I/O.
        .target(
            name: "GeoFleetCore",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GeoFleetProtocols",
            dependencies: [
                "GeoFleetCore",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Mutation fuzzing of the decoders over their real frames (tests and `geofleet fuzz`).
        .target(
            name: "GeoFleetFuzz",
            dependencies: [
                "GeoFleetCore",
                "GeoFleetProtocols",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(name: "CGEOS", pkgConfig: "geos", providers: [.apt(["libgeos-dev"])]),
        .systemLibrary(name: "CPROJ", pkgConfig: "proj", providers: [.apt(["libproj-dev"])]),
        // Track geometry: PROJ projection, GEOS simplification, distance, stops, GeoJSON.
        .target(
            name: "GeoFleetGeometry",
            dependencies: ["GeoFleetCore", "CGEOS", "CPROJ"],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // OpenStreetMap PBF reader (zlib blobs, dense nodes, ways, relations).
        .target(
            name: "GeoFleetOSM",
            dependencies: ["CZlib"],
            swiftSettings: swiftSettings
        ),
        // Road routing: truck profiles, graph import, contraction hierarchies, snapping, matrices.
        .target(
            name: "GeoFleetRouting",
            dependencies: ["GeoFleetCore", "GeoFleetOSM"],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        // The console's base map: tile math, road styles, the cairo renderer over a road source, memory and disk caches.
        .target(
            name: "GeoFleetTiles",
            dependencies: [
                "CCairo",
                "GeoFleetPlatform",
                "GeoFleetCore",
                "GeoFleetRouting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // The operator's console: its page, script and style compiled in, and Leaflet from Debian's libjs-leaflet.
        .target(
            name: "GeoFleetConsole",
            dependencies: ["GeoFleetCore"],
            resources: [
                .embedInCode("Assets/console.html"),
                .embedInCode("Assets/console.js"),
                .embedInCode("Assets/console.css"),
            ],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(
            name: "CHiredis",
            pkgConfig: "hiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),
        .target(
            name: "GeoFleetHotIndex",
            dependencies: ["GeoFleetCore"],
            swiftSettings: swiftSettings
        ),
        // I/O adapters.
        .target(
            name: "GeoFleetSpool",
            dependencies: [
                "GeoFleetPlatform",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GeoFleetRedis",
            dependencies: [
                "CHiredis",
                .product(name: "Logging", package: "swift-log"),
                // hiredis 0.14 has no TLS: `rediss://` runs through an in-process NIO TLS tunnel.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // Cargo ↔ vehicle matching rules and ranking: pure, no I/O.
        .target(
            name: "GeoFleetMatching",
            dependencies: ["GeoFleetCore"],
            swiftSettings: swiftSettings
        ),
        // Trip costing and quoting: itemised costs from the road legs and the carrier's settings, toll
        // tables, the lane market and the suggested price; pure, decimal money arithmetic, no I/O.
        .target(
            name: "GeoFleetPricing",
            dependencies: ["GeoFleetCore", "GeoFleetMatching", "GeoFleetRouting"],
            swiftSettings: swiftSettings
        ),
        // Geofences: validated areas, a grid index over them, per-vehicle enter/exit/dwell/overspeed evaluation; pure, no I/O.
        .target(
            name: "GeoFleetFences",
            dependencies: ["GeoFleetCore"],
            swiftSettings: swiftSettings
        ),
        // The route provider chain: cache (LRU + Redis), built-in graphs, external OSRM/Valhalla behind a breaker, heuristic.
        .target(
            name: "GeoFleetRouteService",
            dependencies: [
                "GeoFleetPlatform",
                "GeoFleetCore",
                "GeoFleetRouting",
                "GeoFleetRedis",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // libpq, for binary COPY in and out (postgres-nio speaks COPY text only).
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // libpq wrapped once: a connection with deadlines, queries, COPY in and out, the binary COPY format.
        .target(
            name: "GeoFleetLibPQ",
            dependencies: ["CLibPQ"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GeoFleetPostGIS",
            dependencies: [
                "GeoFleetPlatform",
                "GeoFleetCore",
                "GeoFleetLibPQ",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            resources: [
                .embedInCode("Migrations/V001__initial.sql"),
                .embedInCode("Migrations/V002__vehicle_assignment.sql"),
                .embedInCode("Migrations/V003__cargo_matching.sql"),
                .embedInCode("Migrations/V004__archive_and_erasure.sql"),
                .embedInCode("Migrations/V005__position_dead_letters.sql"),
                .embedInCode("Migrations/V006__deleted_vehicles.sql"),
                .embedInCode("Migrations/V007__events_webhooks.sql"),
                .embedInCode("Migrations/V008__geofences_deals.sql"),
                .embedInCode("Migrations/V009__privacy_exports.sql"),
                .embedInCode("Migrations/V010__audit_and_device_claims.sql"),
                .embedInCode("Migrations/V011__cluster_nodes.sql"),
                .embedInCode("Migrations/V012__market_deals.sql"),
            ],
            swiftSettings: swiftSettings
        ),
        // Retention: partitions exported to verified zstd archives, dropped, restored; erasure across stores.
        .target(
            name: "GeoFleetArchive",
            dependencies: [
                "GeoFleetPlatform",
                "GeoFleetCore",
                "GeoFleetPostGIS",
                "GeoFleetLibPQ",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // GDPR exports: positions streamed from PostGIS and from archive files into JSON, CSV, GPX or GeoJSON; the export jobs.
        .target(
            name: "GeoFleetExport",
            dependencies: [
                "GeoFleetPlatform",
                "GeoFleetCore",
                "GeoFleetPostGIS",
                "GeoFleetLibPQ",
                "GeoFleetArchive",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Fleet-wide live state: the in-memory vehicle catalog and the event stream (hub, Redis relay, GPS coalescing).
        .target(
            name: "GeoFleetLive",
            dependencies: [
                "GeoFleetCore",
                "GeoFleetPostGIS",
                "GeoFleetRedis",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // Cluster mode's channel between nodes over Redis pub/sub: durable positions, live events, cache changes.
        .target(
            name: "GeoFleetCluster",
            dependencies: [
                "GeoFleetCore",
                "GeoFleetRedis",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // TLS for the listeners: the reloadable certificate/key/client-CA holder, the handshake deadline.
        .target(
            name: "GeoFleetTLS",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GeoFleetIngest",
            dependencies: [
                "GeoFleetPlatform",
                "GeoFleetCore",
                "GeoFleetProtocols",
                "GeoFleetHotIndex",
                "GeoFleetSpool",
                "GeoFleetPostGIS",
                "GeoFleetLive",
                "GeoFleetTLS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            swiftSettings: swiftSettings
        ),
        // The durable event log and its webhook deliveries (signed POSTs, retries, per-vehicle order).
        .target(
            name: "GeoFleetEvents",
            dependencies: [
                "GeoFleetCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Top layer: API, daemon wiring, executables.
        // Matching over the hot positions, the route chain and PostGIS; the live suggestion feed; cargo and preference storage.
        .target(
            name: "GeoFleetMatchService",
            dependencies: [
                "GeoFleetCore",
                "GeoFleetMatching",
                "GeoFleetRouting",
                "GeoFleetLive",
                "GeoFleetHotIndex",
                "GeoFleetPostGIS",
                "GeoFleetRouteService",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Positions become events: geofences and their evaluator (a spool tap), deals, connectivity.
        .target(
            name: "GeoFleetTracking",
            dependencies: [
                "GeoFleetPlatform",
                "GeoFleetCore",
                "GeoFleetFences",
                "GeoFleetEvents",
                "GeoFleetIngest",
                "GeoFleetLive",
                "GeoFleetHotIndex",
                "GeoFleetPostGIS",
                "GeoFleetRouteService",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Cost analysis and quote suggestions over matching, the router and the accepted deals in PostGIS.
        .target(
            name: "GeoFleetPricingService",
            dependencies: [
                "GeoFleetCore",
                "GeoFleetMatching",
                "GeoFleetMatchService",
                "GeoFleetPricing",
                "GeoFleetRouteService",
                "GeoFleetRouting",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GeoFleetAPI",
            dependencies: [
                "GeoFleetPlatform",
                "GeoFleetCore",
                "GeoFleetGeometry",
                "GeoFleetIngest",
                "GeoFleetLive",
                "GeoFleetHotIndex",
                "GeoFleetPostGIS",
                "GeoFleetRouting",
                "GeoFleetRouteService",
                "GeoFleetMatching",
                "GeoFleetMatchService",
                "GeoFleetPricing",
                "GeoFleetPricingService",
                "GeoFleetEvents",
                "GeoFleetFences",
                "GeoFleetTracking",
                "GeoFleetTLS",
                "GeoFleetExport",
                "GeoFleetTiles",
                "GeoFleetConsole",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GeoFleetApp",
            dependencies: [
                "GeoFleetPlatform",
                "GeoFleetExport",
                "GeoFleetCore",
                "GeoFleetGeometry",
                "GeoFleetRedis",
                "GeoFleetCluster",
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                "GeoFleetIngest",
                "GeoFleetLive",
                "GeoFleetAPI",
                "GeoFleetArchive",
                "GeoFleetPostGIS",
                "GeoFleetSpool",
                "GeoFleetHotIndex",
                "GeoFleetRouting",
                "GeoFleetRouteService",
                "GeoFleetMatchService",
                "GeoFleetPricingService",
                "GeoFleetEvents",
                "GeoFleetTracking",
                "GeoFleetTLS",
                "GeoFleetTiles",
                "GeoFleetConsole",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "geofleetd",
            dependencies: [
                "GeoFleetApp",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // What the two command-line tools share: the private-umask entry point, peak memory, graph arguments.
        .target(
            name: "GeoFleetCommandLine",
            dependencies: [
                "GeoFleetRouting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "geofleet",
            dependencies: [
                "GeoFleetPlatform",
                "GeoFleetCommandLine",
                "GeoFleetApp",
                "GeoFleetAPI",
                "GeoFleetArchive",
                "GeoFleetCore",
                "GeoFleetExport",
                "GeoFleetFuzz",
                "GeoFleetRouting",
                "GeoFleetPostGIS",
                "GeoFleetTracking",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Load generator and benchmarks: simulated devices, routing and matching timings.
        .executableTarget(
            name: "geofleet-bench",
            dependencies: [
                "GeoFleetLibPQ",
                "GeoFleetArchive",
                "GeoFleetExport",
                "GeoFleetCommandLine",
                "GeoFleetPlatform",
                "GeoFleetApp",
                "GeoFleetCore",
                "GeoFleetFences",
                "GeoFleetHotIndex",
                "GeoFleetLive",
                "GeoFleetMatchService",
                "GeoFleetPricingService",
                "GeoFleetMatching",
                "GeoFleetPostGIS",
                "GeoFleetProtocols",
                "GeoFleetRouteService",
                "GeoFleetRouting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Tests.
        .target(
            name: "GeoFleetTestSupport",
            dependencies: [
                "GeoFleetPlatform",
                "GeoFleetPostGIS",
                "GeoFleetRedis",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Tests/GeoFleetTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GeoFleetClusterTests",
            dependencies: [
                "GeoFleetCluster", "GeoFleetCore", "GeoFleetRedis", "GeoFleetTestSupport", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GeoFleetTilesTests",
            dependencies: ["GeoFleetTiles", "GeoFleetCore", "GeoFleetRouting", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GeoFleetCoreTests",
            dependencies: ["GeoFleetCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GeoFleetProtocolsTests",
            dependencies: [
                "GeoFleetPlatform",
                "GeoFleetCore",
                "GeoFleetProtocols",
                "GeoFleetFuzz",
                "GeoFleetTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GeoFleetLiveTests",
            dependencies: ["GeoFleetLive"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GeoFleetIngestTests",
            dependencies: [
                "GeoFleetIngest",
                "GeoFleetCore",
                "GeoFleetProtocols",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GeoFleetTrackingTests",
            dependencies: ["GeoFleetTracking", "GeoFleetFences", "GeoFleetCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GeoFleetGeometryTests",
            dependencies: ["GeoFleetGeometry", "GeoFleetCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GeoFleetAPITests",
            dependencies: [
                "GeoFleetPlatform",
                "GeoFleetAPI",
                "GeoFleetConsole",
                "GeoFleetTiles",
                .product(name: "Logging", package: "swift-log"),
                "GeoFleetTestSupport",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GeoFleetExportTests",
            dependencies: ["GeoFleetExport", "GeoFleetArchive"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GeoFleetAppTests",
            dependencies: ["GeoFleetApp", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GeoFleetOSMTests",
            dependencies: ["GeoFleetPlatform", "GeoFleetOSM", "GeoFleetTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GeoFleetFencesTests",
            dependencies: ["GeoFleetFences", "GeoFleetCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GeoFleetMatchingTests",
            dependencies: ["GeoFleetMatching", "GeoFleetCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GeoFleetPricingTests",
            dependencies: ["GeoFleetPricing", "GeoFleetMatching", "GeoFleetRouting", "GeoFleetCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GeoFleetRoutingTests",
            dependencies: ["GeoFleetPlatform", "GeoFleetRouting", "GeoFleetCore", "GeoFleetTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GeoFleetRouteServiceTests",
            dependencies: [
                "GeoFleetPlatform",
                "GeoFleetCore",
                "GeoFleetRouteService",
                "GeoFleetRouting",
                "GeoFleetTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GeoFleetHotIndexTests",
            dependencies: ["GeoFleetHotIndex", "GeoFleetCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GeoFleetRedisTests",
            dependencies: ["GeoFleetRedis", "GeoFleetTestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GeoFleetSpoolTests",
            dependencies: ["GeoFleetPlatform", "GeoFleetSpool", .product(name: "Logging", package: "swift-log"), "GeoFleetTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GeoFleetIntegrationTests",
            dependencies: [
                "GeoFleetLibPQ",
                "GeoFleetPlatform",
                "GeoFleetApp",
                "GeoFleetArchive",
                "GeoFleetExport",
                "GeoFleetSpool",
                "GeoFleetTestSupport",
                "GeoFleetPostGIS",
                "GeoFleetProtocols",
                "GeoFleetAPI",
                "GeoFleetConsole",
                "GeoFleetCore",
                "GeoFleetGeometry",
                "GeoFleetTracking",
                "GeoFleetHotIndex",
                "GeoFleetIngest",
                "GeoFleetLive",
                "GeoFleetMatchService",
                "GeoFleetRedis",
                "GeoFleetRouteService",
                "GeoFleetRouting",
                "GeoFleetEvents",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

// Benchmarks pull in ordo-one/benchmark and its allocator interposer: only when asked for.
if Context.environment["ENABLE_BENCHMARKS"] != nil {
    package.dependencies.append(
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"])
    )
    package.targets.append(
        .executableTarget(
            name: "GeoFleetBenchmarks",
            dependencies: [
                "GeoFleetPlatform",
                "GeoFleetProtocols",
                "GeoFleetHotIndex",
                "GeoFleetRedis",
                "GeoFleetCore",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/GeoFleetBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    )
}
