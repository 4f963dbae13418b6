import Foundation
import GeoFleetCore

/// Exact k-nearest search over one owner's grid.
///
/// Three strategies, all exact, chosen by cost:
/// - few vehicles: scan them all;
/// - a radius whose bounding box covers more cells than the owner occupies (huge radii, polar caps):
///   rank the occupied cells by lower bound and visit them best-first;
/// - otherwise: ring expansion around the query cell, stopping once the next ring's lower bound
///   exceeds the k-th best distance (or the radius).
extension OwnerGrid {
    /// Below this many vehicles a plain scan beats any grid walk.
    static let bruteForceLimit = 48

    func nearest(latitude: Double, longitude: Double, limit: Int, maxDistanceMeters: Double) -> [NearbyVehicle] {
        guard limit > 0, !entries.isEmpty, latitude.isFinite, longitude.isFinite, abs(latitude) <= 90,
            maxDistanceMeters >= 0
        else { return [] }
        let maxAngle = min(Double.pi, maxDistanceMeters / GreatCircle.earthRadiusMeters)
        var search = Search(grid: self, latitude: latitude, longitude: longitude, limit: limit, maxAngle: maxAngle)
        if entries.count <= Self.bruteForceLimit {
            for points in cellPoints { search.scan(points) }
        } else if boundingBoxCellCount(latitude: latitude, maxAngle: maxAngle) > cellPoints.count {
            search.bestFirstOverOccupiedCells()
        } else {
            search.rings()
        }
        return search.results(maxDistanceMeters: maxDistanceMeters)
    }

    /// Roughly how many grid cells the query cap's lat/lon bounding box spans (what a ring walk costs).
    private func boundingBoxCellCount(latitude: Double, maxAngle: Double) -> Int {
        let radiusDegrees = maxAngle / GridGeometry.toRad
        let rowSpan = Int((2 * radiusDegrees / geometry.rowHeight).rounded(.up)) + 1
        let rowsCovered = min(geometry.rows, rowSpan)
        var colsCovered = geometry.cols
        // The cap reaches a pole, or is wider than its latitude's circle: every column.
        let phi = latitude * GridGeometry.toRad
        if abs(latitude) + radiusDegrees < 90, sin(maxAngle) < cos(phi) {
            let halfWidthDegrees = asin(sin(maxAngle) / cos(phi)) / GridGeometry.toRad
            colsCovered = min(geometry.cols, Int((2 * halfWidthDegrees / geometry.colWidth).rounded(.up)) + 1)
        }
        return rowsCovered * colsCovered
    }

    /// The state of one query.
    struct Search {
        let grid: OwnerGrid
        let geometry: GridGeometry
        let latitude: Double
        let longitude: Double
        let cosLatitude: Double
        let queryRow: Int
        let queryCol: Int
        /// Degrees from the query to its cell's south/north/west/east edges.
        let toSouth: Double, toNorth: Double, toWest: Double, toEast: Double
        var collector: NearestCollector
        /// colBounds[e]: lower bound (radians) for any cell e columns away (wrapped), filled lazily.
        var colBounds: [Double] = [0]

        init(grid: OwnerGrid, latitude: Double, longitude: Double, limit: Int, maxAngle: Double) {
            self.grid = grid
            geometry = grid.geometry
            self.latitude = latitude
            self.longitude = longitude
            cosLatitude = cos(latitude * GridGeometry.toRad)
            queryRow = geometry.row(latitude: latitude)
            queryCol = geometry.col(longitude: longitude)
            let south = geometry.south(row: queryRow)
            let west = geometry.west(col: queryCol)
            let lon = GridGeometry.normalizedLongitude(longitude)
            toSouth = max(0, latitude - south)
            toNorth = max(0, south + geometry.rowHeight - latitude)
            toWest = max(0, lon - west)
            toEast = max(0, west + geometry.colWidth - lon)
            collector = NearestCollector(limit: limit, maxAngle: maxAngle)
        }

        // MARK: Lower bounds (radians)

        /// Any point `d` rows north (d > 0) or south (d < 0) is at least this far: the latitude gap.
        @inline(__always)
        func rowBound(_ d: Int) -> Double {
            if d == 0 { return 0 }
            let gap = Double(abs(d) - 1) * geometry.rowHeight + (d > 0 ? toNorth : toSouth)
            return gap * GridGeometry.toRad - GridGeometry.slack
        }

        /// Any point `e` columns away (wrapped, 0...halfCols) is at least this far.
        @inline(__always)
        mutating func colBound(_ e: Int) -> Double {
            while colBounds.count <= e {
                let k = colBounds.count
                let gap = Double(k - 1) * geometry.colWidth + min(toWest, toEast)
                colBounds.append(GridGeometry.longitudeGapBound(latitude: latitude, deltaLonDegrees: min(180, gap)))
            }
            return colBounds[e]
        }

        /// How many rows north (or south) can still hold something within `angle`.
        func rowReach(_ angle: Double, north: Bool) -> Int {
            let offset = north ? toNorth : toSouth
            let degrees = (angle + GridGeometry.slack) / GridGeometry.toRad
            if degrees < offset { return 0 }
            return Int(((degrees - offset) / geometry.rowHeight).rounded(.down)) + 1
        }

        // MARK: Scanning

        /// Offers every point of a cell, skipping by latitude gap first (no trigonometry).
        @inline(__always)
        mutating func scan(_ points: ContiguousArray<OwnerGrid.CellPoint>) {
            let toRad = GridGeometry.toRad
            for p in points {
                let dLatDegrees = p.latitude - latitude
                if abs(dLatDegrees) * toRad - GridGeometry.slack > collector.cutAngle { continue }
                // Same operations, same order as GreatCircle.distanceMeters (lat1 = query).
                let dLat = dLatDegrees * toRad
                let dLon = (p.longitude - longitude) * toRad
                let s1 = sin(dLat / 2)
                let s2 = sin(dLon / 2)
                let a = s1 * s1 + cosLatitude * p.cosLatitude * s2 * s2
                collector.offer(a: a, vehicleKey: p.vehicleKey, slot: p.slot)
            }
        }

        @inline(__always)
        mutating func visit(row: Int, col: Int, bound: Double) {
            guard bound <= collector.cutAngle, let c = grid.cellIndex.find(geometry.key(row: row, col: col)) else { return }
            scan(grid.cellPoints[Int(c)])
        }

        // MARK: Ring expansion

        /// Visits cells ring by ring (Chebyshev distance in cell indices, columns wrapping at the
        /// antimeridian, rows clamped at the poles). Ring d holds the rows exactly d away (all their
        /// columns up to d away) and the columns exactly d away (rows less than d away). Everything in
        /// ring d or beyond is at least min(rowBound(d), colBound(d)) away, and both grow with d.
        mutating func rings() {
            let half = geometry.halfCols
            let cols = geometry.cols
            var d = 0
            while true {
                if d == 0 {
                    visit(row: queryRow, col: queryCol, bound: 0)
                } else {
                    let cut = collector.cutAngle
                    // Rows d away, north then south.
                    for side in 0..<2 {
                        let north = side == 0
                        let row = north ? queryRow + d : queryRow - d
                        guard row >= 0, row < geometry.rows else { continue }
                        let rb = rowBound(north ? d : -d)
                        guard rb <= cut else { continue }
                        var e = 0
                        while e <= min(d, half) {
                            let b = max(rb, colBound(e))
                            if b > collector.cutAngle { break }
                            visit(row: row, col: geometry.wrap(col: queryCol + e), bound: b)
                            if e > 0, 2 * e != cols { visit(row: row, col: geometry.wrap(col: queryCol - e), bound: b) }
                            e += 1
                        }
                    }
                    // Columns d away, rows strictly less than d away and within reach.
                    if d <= half {
                        let cb = colBound(d)
                        if cb <= collector.cutAngle {
                            let reach = collector.cutAngle
                            let lo = max(0, queryRow - min(d - 1, rowReach(reach, north: false)))
                            let hi = min(geometry.rows - 1, queryRow + min(d - 1, rowReach(reach, north: true)))
                            if lo <= hi {
                                let east = geometry.wrap(col: queryCol + d)
                                let west = geometry.wrap(col: queryCol - d)
                                for row in lo...hi {
                                    let b = max(cb, rowBound(row - queryRow))
                                    visit(row: row, col: east, bound: b)
                                    if 2 * d != cols { visit(row: row, col: west, bound: b) }
                                }
                            }
                        }
                    }
                }
                // Termination: the next ring's bound, over whichever parts of it exist.
                let next = d + 1
                var nextBound = Double.infinity
                if queryRow + next < geometry.rows { nextBound = min(nextBound, rowBound(next)) }
                if queryRow - next >= 0 { nextBound = min(nextBound, rowBound(-next)) }
                if next <= half { nextBound = min(nextBound, colBound(next)) }
                if nextBound > collector.cutAngle { return }
                d = next
            }
        }

        // MARK: Best-first over occupied cells

        /// For wide radii: bound every occupied cell, then visit them nearest-bound first.
        mutating func bestFirstOverOccupiedCells() {
            var order: [(bound: Double, cell: Int)] = []
            order.reserveCapacity(grid.cellKeys.count)
            let cols = geometry.cols
            for (c, key) in grid.cellKeys.enumerated() {
                let row = key / cols
                var e = abs(key % cols - queryCol)
                e = min(e, cols - e)
                let colB =
                    e == 0
                    ? 0
                    : GridGeometry.longitudeGapBound(
                        latitude: latitude,
                        deltaLonDegrees: min(180, Double(e - 1) * geometry.colWidth + min(toWest, toEast)))
                let b = max(rowBound(row - queryRow), colB)
                if b <= collector.maxAngle { order.append((b, c)) }
            }
            order.sort { $0.bound < $1.bound }
            for item in order {
                if item.bound > collector.cutAngle { return }
                scan(grid.cellPoints[item.cell])
            }
        }

        // MARK: Answer

        /// Nearest first, with exact `GreatCircle.distanceMeters`, cut at the radius in metres.
        func results(maxDistanceMeters: Double) -> [NearbyVehicle] {
            var out: [NearbyVehicle] = []
            out.reserveCapacity(collector.heap.count)
            for c in collector.heap {
                let fix = grid.entries[Int(c.slot)].fix
                let d = GreatCircle.distanceMeters(lat1: latitude, lon1: longitude, lat2: fix.latitude, lon2: fix.longitude)
                if d <= maxDistanceMeters { out.append(NearbyVehicle(fix: fix, distanceMeters: d)) }
            }
            out.sort { $0.distanceMeters < $1.distanceMeters || ($0.distanceMeters == $1.distanceMeters && $0.fix.vehicleKey < $1.fix.vehicleKey) }
            return out
        }
    }
}
