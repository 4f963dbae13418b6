import Foundation
import GeoFleetCore

/// A validated area compiled once at upsert for the hot path: vertices projected to metres in a local frame,
/// a geographic bounding box, and the largest hysteresis band the fence can carry.
struct PreparedShape: Sendable {
    enum Kind: Sendable { case circle, polygon, corridor }

    let kind: Kind
    let frame: LocalFrame
    /// Circle radius, or corridor half width, metres.
    let radius: Double
    /// Polygon: every ring, closed, one after another (`ringEnds` marks where each stops); corridor: the line.
    let xs: [Double]
    let ys: [Double]
    let ringEnds: [Int]
    /// Half the fence's inner size: a band wider than this would leave a small fence no "surely inside" at all.
    let bandCap: Double
    /// How deep inside any point can be, metres (at most): bounds the border distance of a point from below.
    let maxDepth: Double
    let minLatitude: Double
    let maxLatitude: Double
    let minLongitude: Double
    let maxLongitude: Double
    /// Degrees of longitude per metre at the box's latitude farthest from the equator (the most there are in the box).
    let longitudeDegreesPerMeter: Double

    static let latitudeDegreesPerMeter = 1 / LocalFrame.metersPerDegree

    init(_ area: FenceArea) {
        switch area {
        case .circle(let center, let radius):
            kind = .circle
            frame = LocalFrame(latitude: center.latitude, longitude: center.longitude)
            self.radius = radius
            xs = []
            ys = []
            ringEnds = []
            bandCap = radius / 2
            maxDepth = radius
            let dLat = radius * Self.latitudeDegreesPerMeter
            minLatitude = max(center.latitude - dLat, -90)
            maxLatitude = min(center.latitude + dLat, 90)
            let dLon = radius * Self.longitudeDegreesPerMeter(atLatitudes: minLatitude, maxLatitude)
            (minLongitude, maxLongitude) = Self.longitudeRange(center.longitude - dLon, center.longitude + dLon)
        case .polygon(let rings):
            kind = .polygon
            let all = rings.joined()
            let lat0 = all.map(\.latitude).min()!
            let lat1 = all.map(\.latitude).max()!
            let lon0 = all.map(\.longitude).min()!
            let lon1 = all.map(\.longitude).max()!
            frame = LocalFrame(latitude: (lat0 + lat1) / 2, longitude: (lon0 + lon1) / 2)
            radius = 0
            var xs: [Double] = []
            var ys: [Double] = []
            var ends: [Int] = []
            for ring in rings {
                for p in ring {
                    xs.append(frame.x(longitude: p.longitude))
                    ys.append(frame.y(latitude: p.latitude))
                }
                if let first = ring.first, ring.last != first {
                    xs.append(frame.x(longitude: first.longitude))
                    ys.append(frame.y(latitude: first.latitude))
                }
                ends.append(xs.count)
            }
            self.xs = xs
            self.ys = ys
            ringEnds = ends
            // area / perimeter of the shell is half the inradius of a regular shape: a fair "inner size" for any.
            let shellEnd = ends[0]
            var twiceArea = 0.0
            var perimeter = 0.0
            for i in 0..<(shellEnd - 1) {
                twiceArea += xs[i] * ys[i + 1] - xs[i + 1] * ys[i]
                perimeter += ((xs[i + 1] - xs[i]) * (xs[i + 1] - xs[i]) + (ys[i + 1] - ys[i]) * (ys[i + 1] - ys[i])).squareRoot()
            }
            bandCap = perimeter > 0 ? abs(twiceArea) / 2 / perimeter : 0
            // No inscribed circle is wider than the box.
            maxDepth = min(xs.max()! - xs.min()!, ys.max()! - ys.min()!) / 2
            minLatitude = lat0
            maxLatitude = lat1
            minLongitude = lon0
            maxLongitude = lon1
        case .corridor(let line, let width):
            kind = .corridor
            let lat0 = line.map(\.latitude).min()!
            let lat1 = line.map(\.latitude).max()!
            let lon0 = line.map(\.longitude).min()!
            let lon1 = line.map(\.longitude).max()!
            let frame = LocalFrame(latitude: (lat0 + lat1) / 2, longitude: (lon0 + lon1) / 2)
            self.frame = frame
            radius = width / 2
            xs = line.map { frame.x(longitude: $0.longitude) }
            ys = line.map { frame.y(latitude: $0.latitude) }
            ringEnds = []
            bandCap = width / 4
            maxDepth = width / 2
            let dLat = radius * Self.latitudeDegreesPerMeter
            minLatitude = max(lat0 - dLat, -90)
            maxLatitude = min(lat1 + dLat, 90)
            let dLon = radius * Self.longitudeDegreesPerMeter(atLatitudes: minLatitude, maxLatitude)
            (minLongitude, maxLongitude) = Self.longitudeRange(lon0 - dLon, lon1 + dLon)
        }
        longitudeDegreesPerMeter = Self.longitudeDegreesPerMeter(atLatitudes: minLatitude, maxLatitude)
    }

    /// Whether `point` lies within `margin` metres of the bounding box (a cheap reject before the exact test).
    @inline(__always)
    func boxContains(_ point: GeoPoint, marginMeters margin: Double) -> Bool {
        let mLat = margin * Self.latitudeDegreesPerMeter
        let mLon = margin * longitudeDegreesPerMeter
        return point.latitude >= minLatitude - mLat && point.latitude <= maxLatitude + mLat && point.longitude >= minLongitude - mLon
            && point.longitude <= maxLongitude + mLon
    }

    /// Metres from `point` to the bounding box (0 inside it): a lower bound of the distance to the area.
    @inline(__always)
    func boxDistance(to point: GeoPoint) -> Double {
        let dLat = max(minLatitude - point.latitude, 0, point.latitude - maxLatitude) * LocalFrame.metersPerDegree
        // Degrees of longitude turned to metres where they are shortest in the box: never more than the true distance.
        let dLon = max(minLongitude - point.longitude, 0, point.longitude - maxLongitude) / longitudeDegreesPerMeter
        return (dLat * dLat + dLon * dLon).squareRoot()
    }

    /// Whether the segment's own bounding box meets the fence's.
    @inline(__always)
    func boxMeets(_ a: GeoPoint, _ b: GeoPoint) -> Bool {
        max(a.latitude, b.latitude) >= minLatitude && min(a.latitude, b.latitude) <= maxLatitude
            && max(a.longitude, b.longitude) >= minLongitude && min(a.longitude, b.longitude) <= maxLongitude
    }

    private static func longitudeDegreesPerMeter(atLatitudes a: Double, _ b: Double) -> Double {
        let widest = min(max(abs(a), abs(b)), 89.999)
        return 1 / (LocalFrame.metersPerDegree * cos(widest * Double.pi / 180))
    }

    /// Boxes are not split at the antimeridian: a box that would cross it covers every longitude instead.
    private static func longitudeRange(_ west: Double, _ east: Double) -> (Double, Double) {
        west < -180 || east > 180 || !(east - west < 360) ? (-180, 180) : (west, east)
    }
}
