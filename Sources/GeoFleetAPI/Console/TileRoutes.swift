import GeoFleetTiles
import Hummingbird

/// `GET /tiles/{z}/{x}/{y}.png[?layer=restrictions]`: the console's base map, drawn from the loaded road graph.
///
/// Public, with no token: OSM data is public, Leaflet cannot put a header on its image requests, and a
/// token in a URL would end up in logs and caches. What guards the server instead: paths range-checked
/// before any work (400), a bounded render queue (503 with Retry-After when full), bounded caches, and
/// ETags (304) so a browser re-asks cheaply.
struct TileRoutes: Sendable {
    let tiles: TileService?

    func register(on router: Router<APIRequestContext>) {
        router.get("/tiles/:z/:x/:y", use: tile)
    }

    @Sendable func tile(request: Request, context: APIRequestContext) async throws -> Response {
        let address: TileAddress
        do {
            address = try TileAddress.parse(
                z: try context.parameters.require("z"), x: try context.parameters.require("x"), y: try context.parameters.require("y"))
        } catch let error as TileAddressError {
            throw APIError.badRequest(error.message)
        }
        guard try context.parameters.require("y").hasSuffix(".png") else { throw APIError.badRequest("a tile's path ends in .png") }
        var layer = TileLayer.roads
        if let raw = request.uri.queryParameters.get("layer") {
            guard let chosen = TileLayer(rawValue: String(raw)) else {
                throw APIError.badRequest("layer must be one of: \(TileLayer.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            layer = chosen
        }
        guard let tiles else { throw APIError(.serviceUnavailable, "tiles are not configured") }
        let key = TileKey(address, layer)
        let etag = tiles.etag(key)
        // An hour fresh, then revalidated: the ETag changes with the graph, the URL does not.
        var headers: HTTPFields = [.eTag: etag, .cacheControl: "public, max-age=3600"]
        if request.headers[.ifNoneMatch] == etag {
            return Response(status: .notModified, headers: headers)
        }
        let tile: TileService.Tile
        do {
            tile = try await tiles.tile(key)
        } catch .busy {
            throw APIError(.serviceUnavailable, "tile renderer busy; retry shortly", headers: [.retryAfter: "1"])
        } catch .renderFailed {
            throw APIError(.internalServerError, "tile render failed")
        }
        headers[.contentType] = "image/png"
        headers[.xTileOrigin] = tile.origin.rawValue
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: tile.png)))
    }
}

extension HTTPFields.Element.Name {
    /// `X-Tile-Origin: memory | disk | render`: where the tile came from (benchmarks and tests read it).
    static let xTileOrigin = Self("X-Tile-Origin")!
}
