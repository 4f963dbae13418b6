/// Small planar helpers shared by validation and evaluation (metres or degrees, whatever the caller projects to).
enum PlanarMath {
    /// Squared distance from (px, py) to the segment (ax, ay)–(bx, by).
    @inline(__always)
    static func squaredDistanceToSegment(px: Double, py: Double, ax: Double, ay: Double, bx: Double, by: Double) -> Double {
        let dx = bx - ax
        let dy = by - ay
        let length2 = dx * dx + dy * dy
        var t = 0.0
        if length2 > 0 {
            t = ((px - ax) * dx + (py - ay) * dy) / length2
            t = t < 0 ? 0 : (t > 1 ? 1 : t)
        }
        let ex = ax + t * dx - px
        let ey = ay + t * dy - py
        return ex * ex + ey * ey
    }

    /// Twice the signed area of the triangle a, b, c (positive when counter-clockwise).
    @inline(__always)
    static func cross(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ cx: Double, _ cy: Double) -> Double {
        (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
    }

    /// Where segment a–b meets segment c–d, as the parameter along a–b, or nil when they do not meet
    /// (parallel segments count as not meeting here; callers that care check collinear overlap apart).
    static func intersectionParameter(
        _ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ cx: Double, _ cy: Double, _ dx: Double, _ dy: Double
    ) -> Double? {
        let rx = bx - ax
        let ry = by - ay
        let sx = dx - cx
        let sy = dy - cy
        let denominator = rx * sy - ry * sx
        if denominator == 0 { return nil }
        let qx = cx - ax
        let qy = cy - ay
        let t = (qx * sy - qy * sx) / denominator
        let u = (qx * ry - qy * rx) / denominator
        guard t >= 0, t <= 1, u >= 0, u <= 1 else { return nil }
        return t
    }

    /// Whether closed segments a–b and c–d share any point, collinear overlaps included.
    static func segmentsTouch(
        _ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ cx: Double, _ cy: Double, _ dx: Double, _ dy: Double
    ) -> Bool {
        let d1 = cross(cx, cy, dx, dy, ax, ay)
        let d2 = cross(cx, cy, dx, dy, bx, by)
        let d3 = cross(ax, ay, bx, by, cx, cy)
        let d4 = cross(ax, ay, bx, by, dx, dy)
        if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) { return true }
        if d1 == 0 && onSegment(cx, cy, dx, dy, ax, ay) { return true }
        if d2 == 0 && onSegment(cx, cy, dx, dy, bx, by) { return true }
        if d3 == 0 && onSegment(ax, ay, bx, by, cx, cy) { return true }
        if d4 == 0 && onSegment(ax, ay, bx, by, dx, dy) { return true }
        return false
    }

    /// Whether p, known collinear with a–b, lies within its bounding box.
    @inline(__always)
    static func onSegment(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ px: Double, _ py: Double) -> Bool {
        px >= min(ax, bx) && px <= max(ax, bx) && py >= min(ay, by) && py <= max(ay, by)
    }
}
