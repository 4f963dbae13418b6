import Foundation
import GeoFleetCore

/// One file the console serves, with its type and a validator for conditional requests.
public struct ConsoleAsset: Sendable {
    public let bytes: [UInt8]
    public let contentType: String
    public let etag: String
}

/// The console's files: its own page, script and style (compiled into the binary: no build step, no path to
/// get wrong), and Leaflet read once at start from Debian's `libjs-leaflet` folder.
///
/// Only the names listed here are served, so no request can reach another file.
public struct ConsoleAssets: Sendable {
    /// Leaflet's files the page uses, relative to its folder.
    static let leafletFiles: [String: String] = [
        "leaflet.js": "text/javascript; charset=utf-8", "leaflet.css": "text/css; charset=utf-8",
        "images/layers.png": "image/png", "images/layers-2x.png": "image/png", "images/marker-icon.png": "image/png",
        "images/marker-icon-2x.png": "image/png", "images/marker-shadow.png": "image/png",
    ]

    private let files: [String: ConsoleAsset]
    /// Whether Leaflet was found (the page shows how to install it when not).
    public let leafletAvailable: Bool

    /// Reads Leaflet from `leafletDirectory`; a missing folder only leaves those files out.
    public init(leafletDirectory: String) {
        var files: [String: ConsoleAsset] = [:]
        func add(_ name: String, _ bytes: [UInt8], _ type: String) {
            files[name] = ConsoleAsset(bytes: bytes, contentType: type, etag: "\"\(FNV1a.hex(bytes))\"")
        }
        add("console.html", PackageResources.console_html, "text/html; charset=utf-8")
        add("console.js", PackageResources.console_js, "text/javascript; charset=utf-8")
        add("console.css", PackageResources.console_css, "text/css; charset=utf-8")
        for (name, type) in Self.leafletFiles {
            guard let data = FileManager.default.contents(atPath: leafletDirectory + "/" + name) else { continue }
            add("leaflet/" + name, [UInt8](data), type)
        }
        self.files = files
        leafletAvailable = files["leaflet/leaflet.js"] != nil && files["leaflet/leaflet.css"] != nil
    }

    /// The page itself.
    public var page: ConsoleAsset { files["console.html"]! }

    /// A file by its path under `/console/` (`console.js`, `leaflet/images/layers.png`); nil for any other name.
    public func asset(_ path: String) -> ConsoleAsset? { files[path] }
}
