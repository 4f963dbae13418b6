/// A slippy-map tile (`z/x/y`, OSM numbering: x east from 180° W, y south from 85.05° N), range-checked.
public struct TileAddress: Sendable, Hashable, CustomStringConvertible {
    /// The deepest zoom served; deeper tiles would only magnify the same roads.
    public static let maxZoom = 20
    public let z: Int
    public let x: Int
    public let y: Int

    /// Nil unless `0 ≤ z ≤ maxZoom` and `0 ≤ x, y < 2^z`.
    public init?(z: Int, x: Int, y: Int) {
        guard (0...Self.maxZoom).contains(z) else { return nil }
        let count = 1 << z
        guard (0..<count).contains(x), (0..<count).contains(y) else { return nil }
        self.z = z
        self.x = x
        self.y = y
    }

    /// Parses path components (`y` may end in `.png`); the message says what is wrong.
    /// Digits are checked before any arithmetic, so a client cannot make it overflow or allocate.
    public static func parse(z: String, x: String, y: String) throws(TileAddressError) -> TileAddress {
        var yDigits = Substring(y)
        if yDigits.hasSuffix(".png") { yDigits = yDigits.dropLast(4) }
        guard let zoom = smallNumber(Substring(z)), zoom <= maxZoom else {
            throw TileAddressError("z must be an integer from 0 to \(maxZoom)")
        }
        let limit = (1 << zoom) - 1
        guard let column = smallNumber(Substring(x)), column <= limit else {
            throw TileAddressError("x must be an integer from 0 to \(limit) at zoom \(zoom)")
        }
        guard let row = smallNumber(yDigits), row <= limit else {
            throw TileAddressError("y must be an integer from 0 to \(limit) at zoom \(zoom)")
        }
        return TileAddress(z: zoom, x: column, y: row)!
    }

    /// Up to 7 ASCII digits (2^20 has 7), else nil.
    private static func smallNumber(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 7, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int(text)
    }

    public var description: String { "\(z)/\(x)/\(y)" }

    /// The tile's WGS84 box.
    public var bounds: GeoBox {
        let nw = WebMercator.coordinate(pixelX: Double(x * WebMercator.tileSize), pixelY: Double(y * WebMercator.tileSize), zoom: z)
        let se = WebMercator.coordinate(
            pixelX: Double((x + 1) * WebMercator.tileSize), pixelY: Double((y + 1) * WebMercator.tileSize), zoom: z)
        return GeoBox(south: se.latitude, west: nw.longitude, north: nw.latitude, east: se.longitude)
    }

    /// The box grown by `pixels` on every side, so lines and labels crossing the edge are drawn on both tiles.
    public func bounds(paddedBy pixels: Double) -> GeoBox {
        let size = Double(WebMercator.tileSize)
        let nw = WebMercator.coordinate(pixelX: Double(x) * size - pixels, pixelY: Double(y) * size - pixels, zoom: z)
        let se = WebMercator.coordinate(pixelX: Double(x + 1) * size + pixels, pixelY: Double(y + 1) * size + pixels, zoom: z)
        return GeoBox(south: se.latitude, west: nw.longitude, north: nw.latitude, east: se.longitude)
    }
}

/// Why a tile path was refused (the API answers 400 with it).
public struct TileAddressError: Error, Sendable, Equatable {
    public let message: String
    init(_ message: String) { self.message = message }
}

/// A WGS84 box in degrees.
public struct GeoBox: Sendable, Equatable {
    public var south: Double
    public var west: Double
    public var north: Double
    public var east: Double

    public init(south: Double, west: Double, north: Double, east: Double) {
        self.south = south
        self.west = west
        self.north = north
        self.east = east
    }
}
