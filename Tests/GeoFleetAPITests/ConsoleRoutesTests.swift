import Foundation
import GeoFleetConsole
import GeoFleetTiles
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import GeoFleetAPI

/// `/console` and `/tiles`: bad paths are 400 with a message, ETags give 304, a missing service is 503.
struct ConsoleRoutesTests {
    func application(tiles: TileService?) -> some ApplicationProtocol {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        ConsoleRoutes(assets: ConsoleAssets(leafletDirectory: "/nonexistent")).register(on: router)
        TileRoutes(tiles: tiles).register(on: router)
        return Application(router: router)
    }

    var gridTiles: TileService { TileService(source: nil, settings: TileService.Settings(), logger: Logger(label: "test")) }

    @Test("a tile is a PNG with an ETag; the same ETag in If-None-Match is 304 with no body; the second fetch comes from memory")
    func tileAndNotModified() async throws {
        try await application(tiles: gridTiles).test(.router) { client in
            let first = try await client.execute(uri: "/tiles/3/4/2.png", method: .get)
            #expect(first.status == .ok && first.headers[.contentType] == "image/png")
            let etag = try #require(first.headers[.eTag])
            #expect(Array(first.body.readableBytesView.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
            let again = try await client.execute(uri: "/tiles/3/4/2.png", method: .get, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified && again.body.readableBytes == 0 && again.headers[.eTag] == etag)
            let cached = try await client.execute(uri: "/tiles/3/4/2.png", method: .get)
            #expect(cached.headers[.xTileOrigin] == "memory" && cached.headers[.eTag] == etag)
            let stale = try await client.execute(uri: "/tiles/3/4/2.png", method: .get, headers: [.ifNoneMatch: "\"other\""])
            #expect(stale.status == .ok)
        }
    }

    @Test(
        "out-of-range, non-numeric or wrongly suffixed tile paths and unknown layers are 400 with a JSON message",
        arguments: [
            "/tiles/21/0/0.png", "/tiles/3/8/0.png", "/tiles/3/0/8.png", "/tiles/x/0/0.png", "/tiles/3/-1/0.png",
            "/tiles/99999999999999999999/0/0.png", "/tiles/3/0/0", "/tiles/3/0/0.jpg", "/tiles/3/0/0.png?layer=secret",
        ])
    func badPaths(uri: String) async throws {
        try await application(tiles: gridTiles).test(.router) { client in
            let response = try await client.execute(uri: uri, method: .get)
            #expect(response.status == .badRequest)
            #expect(errorMessage(response)?.isEmpty == false)
        }
    }

    @Test("without a tile service a tile is 503, not a crash")
    func noService() async throws {
        try await application(tiles: nil).test(.router) { client in
            let response = try await client.execute(uri: "/tiles/0/0/0.png", method: .get)
            #expect(response.status == .serviceUnavailable)
        }
    }

    @Test("the page is HTML with a content security policy and an ETag; files outside the list are 404; missing Leaflet is said")
    func page() async throws {
        try await application(tiles: gridTiles).test(.router) { client in
            let page = try await client.execute(uri: "/console", method: .get)
            #expect(page.status == .ok && page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(text(page).contains("/console/console.js"))
            let etag = try #require(page.headers[.eTag])
            #expect(try await client.execute(uri: "/console", method: .get, headers: [.ifNoneMatch: etag]).status == .notModified)
            #expect(try await client.execute(uri: "/console/console.js", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/console/console.html", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/console/..%2FPackage.swift", method: .get).status == .notFound)
            let leaflet = try await client.execute(uri: "/console/leaflet/leaflet.js", method: .get)
            #expect(leaflet.status == .notFound && errorMessage(leaflet)?.contains("libjs-leaflet") == true)
        }
    }
}

/// The console's WebSocket carries its token as a subprotocol; only that exact offer on an upgrade counts.
struct WebSocketTokenTests {
    @Test("`geofleet.bearer, <token>` on a WebSocket upgrade yields the token; anything else yields nothing")
    func subprotocolToken() {
        let upgrade: HTTPFields = [.upgrade: "websocket", .secWebSocketProtocol: "geofleet.bearer, abc.def.ghi"]
        #expect(AuthMiddleware.webSocketToken(upgrade) == "abc.def.ghi")
        #expect(AuthMiddleware.webSocketToken([.secWebSocketProtocol: "geofleet.bearer, abc"]) == nil)
        #expect(AuthMiddleware.webSocketToken([.upgrade: "websocket", .secWebSocketProtocol: "chat, abc"]) == nil)
        #expect(AuthMiddleware.webSocketToken([.upgrade: "websocket", .secWebSocketProtocol: "geofleet.bearer"]) == nil)
        #expect(AuthMiddleware.webSocketToken([.upgrade: "websocket", .secWebSocketProtocol: "geofleet.bearer, a, b"]) == nil)
        #expect(AuthMiddleware.webSocketToken([.upgrade: "websocket", .secWebSocketProtocol: "geofleet.bearer, "]) == nil)
    }
}
