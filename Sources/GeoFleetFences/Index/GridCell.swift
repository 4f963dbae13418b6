import GeoFleetCore

/// Cells of a uniform latitude/longitude grid, packed in one Int64 (row above, column below).
struct GridCell {
    let cellDegrees: Double

    @inline(__always)
    func row(_ latitude: Double) -> Int64 { Int64(((latitude + 90) / cellDegrees).rounded(.down)) }

    @inline(__always)
    func column(_ longitude: Double) -> Int64 { Int64(((longitude + 180) / cellDegrees).rounded(.down)) }

    @inline(__always)
    static func key(row: Int64, column: Int64) -> Int64 { row << 32 | column }

    @inline(__always)
    func key(_ point: GeoPoint) -> Int64 { Self.key(row: row(point.latitude), column: column(point.longitude)) }

    /// Visits each cell the straight segment a→b passes through, a first and b last (Amanatides–Woo traversal).
    func forEachCell(from a: GeoPoint, to b: GeoPoint, _ body: (Int64) -> Void) {
        var r = row(a.latitude)
        var c = column(a.longitude)
        let endR = row(b.latitude)
        let endC = column(b.longitude)
        body(Self.key(row: r, column: c))
        let steps = abs(endR - r) + abs(endC - c)
        if steps == 0 { return }
        let x0 = (a.longitude + 180) / cellDegrees
        let y0 = (a.latitude + 90) / cellDegrees
        let dx = (b.longitude + 180) / cellDegrees - x0
        let dy = (b.latitude + 90) / cellDegrees - y0
        let stepC: Int64 = dx > 0 ? 1 : -1
        let stepR: Int64 = dy > 0 ? 1 : -1
        let deltaX = dx != 0 ? abs(1 / dx) : Double.infinity
        let deltaY = dy != 0 ? abs(1 / dy) : Double.infinity
        var nextX = dx != 0 ? ((Double(c) + (dx > 0 ? 1 : 0)) - x0) / dx : Double.infinity
        var nextY = dy != 0 ? ((Double(r) + (dy > 0 ? 1 : 0)) - y0) / dy : Double.infinity
        // Exactly `steps` moves, each toward b, so rounding can neither loop nor stop short of b's cell.
        for _ in 0..<steps {
            if (nextX < nextY && c != endC) || r == endR {
                c += stepC
                nextX += deltaX
            } else {
                r += stepR
                nextY += deltaY
            }
            body(Self.key(row: r, column: c))
        }
    }
}
