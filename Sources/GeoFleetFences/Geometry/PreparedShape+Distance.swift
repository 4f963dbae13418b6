import GeoFleetCore

extension PreparedShape {
    /// Distance in metres from `point` to the border, negative inside: great-circle for circles,
    /// the local frame for polygons (inside by even-odd over all rings, so holes are outside) and corridors.
    func signedDistance(to point: GeoPoint) -> Double {
        switch kind {
        case .circle:
            return GreatCircle.distanceMeters(
                lat1: frame.originLatitude, lon1: frame.originLongitude, lat2: point.latitude, lon2: point.longitude) - radius
        case .polygon:
            return polygonSignedDistance(x: frame.x(longitude: point.longitude), y: frame.y(latitude: point.latitude))
        case .corridor:
            return polylineDistance(x: frame.x(longitude: point.longitude), y: frame.y(latitude: point.latitude)) - radius
        }
    }

    func polygonSignedDistance(x px: Double, y py: Double) -> Double {
        var inside = false
        var best = Double.infinity
        xs.withUnsafeBufferPointer { xs in
            ys.withUnsafeBufferPointer { ys in
                var start = 0
                for end in ringEnds {
                    var i = start
                    while i < end - 1 {
                        let ax = xs[i]
                        let ay = ys[i]
                        let bx = xs[i + 1]
                        let by = ys[i + 1]
                        if (ay > py) != (by > py) && px < ax + (py - ay) / (by - ay) * (bx - ax) { inside.toggle() }
                        let d = PlanarMath.squaredDistanceToSegment(px: px, py: py, ax: ax, ay: ay, bx: bx, by: by)
                        if d < best { best = d }
                        i += 1
                    }
                    start = end
                }
            }
        }
        let distance = best.squareRoot()
        return inside ? -distance : distance
    }

    func polylineDistance(x px: Double, y py: Double) -> Double {
        var best = Double.infinity
        xs.withUnsafeBufferPointer { xs in
            ys.withUnsafeBufferPointer { ys in
                for i in 0..<(xs.count - 1) {
                    let ax = xs[i]
                    let ay = ys[i]
                    let bx = xs[i + 1]
                    let by = ys[i + 1]
                    // Skip a segment whose box is already farther away than the best so far.
                    let ox = max(min(ax, bx) - px, 0, px - max(ax, bx))
                    let oy = max(min(ay, by) - py, 0, py - max(ay, by))
                    if ox * ox + oy * oy >= best { continue }
                    let d = PlanarMath.squaredDistanceToSegment(px: px, py: py, ax: ax, ay: ay, bx: bx, by: by)
                    if d < best { best = d }
                }
            }
        }
        return best.squareRoot()
    }
}
