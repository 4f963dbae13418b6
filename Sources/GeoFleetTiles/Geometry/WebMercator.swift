import Foundation
import GeoFleetCore

/// Spherical Web Mercator (EPSG:3857) in global pixels of 256-pixel tiles, as Leaflet and OSM number them.
public enum WebMercator {
    public static let tileSize = 256
    /// Web Mercator's latitude limit: the world is square there.
    public static let maxLatitude = 85.051_128_779_806_59

    /// The point's global pixel position at `zoom` (origin at the north-west corner of tile 0/0/0).
    public static func pixel(_ point: GeoPoint, zoom: Int) -> (x: Double, y: Double) {
        let scale = Double(tileSize) * Double(1 << zoom)
        let lat = min(max(point.latitude, -maxLatitude), maxLatitude) * .pi / 180
        let x = (point.longitude + 180) / 360 * scale
        let y = (1 - log(tan(lat) + 1 / cos(lat)) / .pi) / 2 * scale
        return (x, y)
    }

    /// The WGS84 point at a global pixel position.
    public static func coordinate(pixelX: Double, pixelY: Double, zoom: Int) -> GeoPoint {
        let scale = Double(tileSize) * Double(1 << zoom)
        let longitude = pixelX / scale * 360 - 180
        let n = Double.pi * (1 - 2 * pixelY / scale)
        let latitude = atan(sinh(n)) * 180 / .pi
        return GeoPoint(latitude: min(max(latitude, -maxLatitude), maxLatitude), longitude: longitude)
    }
}
