import GeoFleetConsole
import Hummingbird

/// `/console` and its files: public (the page holds no data; every call it makes carries the operator's token).
struct ConsoleRoutes: Sendable {
    let assets: ConsoleAssets

    /// The page may load scripts, styles and images from this server only, and talk to it only: a token kept
    /// in sessionStorage is out of reach of script from anywhere else.
    static let pageHeaders: HTTPFields = [
        .contentSecurityPolicy:
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
        .xContentTypeOptions: "nosniff", .referrerPolicy: "no-referrer", .cacheControl: "no-cache",
    ]

    func register(on router: Router<APIRequestContext>) {
        router.get("/console") { request, _ in Self.serve(assets.page, request) }
        router.get("/console/:file") { request, context in try serve(try context.parameters.require("file"), request) }
        router.get("/console/leaflet/:file") { request, context in try serve("leaflet/" + (try context.parameters.require("file")), request) }
        router.get("/console/leaflet/images/:file") { request, context in
            try serve("leaflet/images/" + (try context.parameters.require("file")), request)
        }
    }

    private func serve(_ path: String, _ request: Request) throws -> Response {
        guard let asset = assets.asset(path), path != "console.html" else {
            if path.hasPrefix("leaflet/"), !assets.leafletAvailable {
                throw APIError.notFound("Leaflet is not installed on the server (apt-get install libjs-leaflet)")
            }
            throw APIError.notFound("no such console file")
        }
        return Self.serve(asset, request)
    }

    /// 200 with the file, or 304 when the browser's copy is current.
    static func serve(_ asset: ConsoleAsset, _ request: Request) -> Response {
        var headers = pageHeaders
        headers[.eTag] = asset.etag
        if request.headers[.ifNoneMatch] == asset.etag {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = asset.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }
}

extension HTTPFields.Element.Name {
    static let contentSecurityPolicy = Self("Content-Security-Policy")!
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
}
