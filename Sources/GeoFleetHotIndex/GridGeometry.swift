import Foundation

/// The lat/lon cell layout shared by every owner's grid, and the spherical lower bounds that make
/// ring expansion exact.
///
/// Rows are latitude bands from the south pole, columns longitude bands from the antimeridian
/// (-180°). Cells are equal in degrees, so a column narrows in metres towards the poles: the bounds
/// below work on the sphere, not on degree distances, which keeps them valid at any latitude.
struct GridGeometry: Sendable {
    let rows: Int
    let cols: Int
    /// Cell height and width in degrees (180/rows and 360/cols, so the grid tiles the sphere exactly).
    let rowHeight: Double
    let colWidth: Double

    init(cellDegrees: Double) {
        // Clamp absurd values rather than trap: below 0.001° the key space and ring counts explode.
        let size = cellDegrees.isFinite && cellDegrees > 0 ? min(max(cellDegrees, 0.001), 45) : HotPositions.defaultCellDegrees
        rows = max(1, Int((180 / size).rounded(.up)))
        cols = max(2, Int((360 / size).rounded(.up)))
        rowHeight = 180 / Double(rows)
        colWidth = 360 / Double(cols)
    }

    /// Number of distinct wrapped column distances: a column is at most `halfCols` away.
    var halfCols: Int { cols / 2 }

    @inline(__always)
    func row(latitude: Double) -> Int {
        min(max(Int(((latitude + 90) / rowHeight).rounded(.down)), 0), rows - 1)
    }

    @inline(__always)
    func col(longitude: Double) -> Int {
        min(max(Int(((Self.normalizedLongitude(longitude) + 180) / colWidth).rounded(.down)), 0), cols - 1)
    }

    @inline(__always)
    func key(row: Int, col: Int) -> Int { row * cols + col }

    @inline(__always)
    func key(latitude: Double, longitude: Double) -> Int {
        key(row: row(latitude: latitude), col: col(longitude: longitude))
    }

    /// Column `col + offset`, wrapped across the antimeridian.
    @inline(__always)
    func wrap(col: Int) -> Int {
        let c = col % cols
        return c < 0 ? c + cols : c
    }

    func south(row: Int) -> Double { -90 + Double(row) * rowHeight }
    func west(col: Int) -> Double { -180 + Double(col) * colWidth }

    /// Longitude in [-180, 180).
    static func normalizedLongitude(_ lon: Double) -> Double {
        if lon >= -180 && lon < 180 { return lon }
        var l = fmod(lon + 180, 360)
        if l < 0 { l += 360 }
        return l - 180
    }

    /// Slack subtracted from every lower bound (radians, about 6 µm) so rounding can never prune a
    /// point whose true distance equals the bound.
    static let slack = 1e-12
    static let toRad = Double.pi / 180

    /// Least angular distance (radians) from a point at latitude `latitude` to any point whose
    /// longitude differs by at least `deltaLonDegrees` (0...180).
    ///
    /// Why: for a fixed latitude the distance grows with the longitude difference, so the nearest
    /// such point lies on the meridian at exactly that difference. Below 90° the foot of the
    /// perpendicular is on that semi-meridian, sin d = cos φ sin Δλ; from 90° on, the nearest point
    /// of the semi-meridian is the pole on the query's side, at 90° − |φ|.
    @inline(__always)
    static func longitudeGapBound(latitude: Double, deltaLonDegrees: Double) -> Double {
        if deltaLonDegrees <= 0 { return 0 }
        if deltaLonDegrees >= 90 { return max(0, Double.pi / 2 - abs(latitude) * toRad) - slack }
        let s = cos(latitude * toRad) * sin(deltaLonDegrees * toRad)
        return asin(min(1, s)) - slack
    }
}
