import GeoFleetCore

extension PreparedShape {
    /// Where the straight segment a→b enters and leaves the area, as parameters in 0…1 along it, when some point of it
    /// lies at least `depth` metres inside; nil otherwise. Requiring that depth keeps a track that only grazes the
    /// border within the GPS band (jitter) from counting as a pass through.
    func crossing(from a: GeoPoint, to b: GeoPoint, depth: Double) -> (enter: Double, exit: Double)? {
        let ax = frame.x(longitude: a.longitude)
        let ay = frame.y(latitude: a.latitude)
        let dx = frame.x(longitude: b.longitude) - ax
        let dy = frame.y(latitude: b.latitude) - ay
        let length2 = dx * dx + dy * dy
        guard length2 > 0 else { return nil }
        switch kind {
        case .circle:
            // The frame is centred on the circle: solve |a + t·d| = r.
            let closestT = min(max(-(ax * dx + ay * dy) / length2, 0), 1)
            let cx = ax + closestT * dx
            let cy = ay + closestT * dy
            guard radius - (cx * cx + cy * cy).squareRoot() >= depth else { return nil }
            let half = ax * dx + ay * dy
            let c = ax * ax + ay * ay - radius * radius
            let discriminant = half * half - length2 * c
            guard discriminant > 0 else { return nil }
            let root = discriminant.squareRoot()
            return (max(0, (-half - root) / length2), min(1, (-half + root) / length2))
        case .polygon:
            var first = Double.infinity
            var last = -Double.infinity
            for i in 0..<(xs.count - 1) where !ringEnds.contains(i + 1) {
                if let t = PlanarMath.intersectionParameter(ax, ay, ax + dx, ay + dy, xs[i], ys[i], xs[i + 1], ys[i + 1]) {
                    first = min(first, t)
                    last = max(last, t)
                }
            }
            guard first < last else { return nil }
            // Nine samples between the first entry and the last exit find the depth well enough for fences this size.
            var deepest = -Double.infinity
            for k in 0..<9 {
                let t = first + (Double(k) + 0.5) / 9 * (last - first)
                deepest = max(deepest, -polygonSignedDistance(x: ax + t * dx, y: ay + t * dy))
            }
            return deepest >= depth ? (first, last) : nil
        case .corridor:
            let (closest, closestT) = closestApproachToLine(ax: ax, ay: ay, dx: dx, dy: dy)
            guard radius - closest >= depth else { return nil }
            func outside(_ t: Double) -> Bool { polylineDistance(x: ax + t * dx, y: ay + t * dy) > radius }
            let enter = outside(0) ? Self.border(inside: closestT, outside: 0, outside) : 0
            let exit = outside(1) ? Self.border(inside: closestT, outside: 1, outside) : 1
            return (enter, exit)
        }
    }

    /// Least distance between the segment a + t·d (t in 0…1) and the corridor's line, with the t where it occurs.
    private func closestApproachToLine(ax: Double, ay: Double, dx: Double, dy: Double) -> (Double, Double) {
        var best = Double.infinity
        var bestT = 0.0
        let bx = ax + dx
        let by = ay + dy
        let length2 = dx * dx + dy * dy
        for i in 0..<(xs.count - 1) {
            let cx = xs[i]
            let cy = ys[i]
            let ex = xs[i + 1]
            let ey = ys[i + 1]
            if let t = PlanarMath.intersectionParameter(ax, ay, bx, by, cx, cy, ex, ey) { return (0, t) }
            // Disjoint segments are closest at an end of one of them.
            let d0 = PlanarMath.squaredDistanceToSegment(px: ax, py: ay, ax: cx, ay: cy, bx: ex, by: ey)
            if d0 < best { (best, bestT) = (d0, 0) }
            let d1 = PlanarMath.squaredDistanceToSegment(px: bx, py: by, ax: cx, ay: cy, bx: ex, by: ey)
            if d1 < best { (best, bestT) = (d1, 1) }
            func consider(_ px: Double, _ py: Double) {
                let t = min(max(((px - ax) * dx + (py - ay) * dy) / length2, 0), 1)
                let qx = ax + t * dx - px
                let qy = ay + t * dy - py
                let d = qx * qx + qy * qy
                if d < best { (best, bestT) = (d, t) }
            }
            consider(cx, cy)
            consider(ex, ey)
        }
        return (best.squareRoot(), bestT)
    }

    /// Bisection for the border between a parameter known inside and one known outside.
    private static func border(inside: Double, outside: Double, _ isOutside: (Double) -> Bool) -> Double {
        var inner = inside
        var outer = outside
        for _ in 0..<30 {
            let middle = (inner + outer) / 2
            if isOutside(middle) { outer = middle } else { inner = middle }
        }
        return (inner + outer) / 2
    }
}
