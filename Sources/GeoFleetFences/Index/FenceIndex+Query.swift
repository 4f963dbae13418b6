import Foundation
import GeoFleetCore

extension FenceIndex {
    /// Fences of `owner` whose area lies within `margin` metres of `point` (candidates for containment tests).
    public func candidates(near point: GeoPoint, owner: String, marginMeters: Double) -> [Fence] {
        var found: [Fence] = []
        forEachCandidate(near: point, owner: owner, marginMeters: marginMeters) { found.append($0) }
        return found
    }

    /// The same fences as `candidates(near:owner:marginMeters:)`, handed to `body` one by one without an array.
    public func forEachCandidate(near point: GeoPoint, owner: String, marginMeters: Double, _ body: (Fence) -> Void) {
        let margin = marginMeters.isNaN ? 0 : max(0, marginMeters)
        func visit(_ prepared: PreparedFence) {
            if prepared.shape.boxContains(point, marginMeters: margin), prepared.shape.signedDistance(to: point) <= margin {
                body(prepared.fence)
            }
        }
        if margin <= Self.paddingMeters {
            forEachEntry(owner: owner, from: nil, to: point) { visit(prepared($0)) }
            return
        }
        // Beyond the padding: the cells of the box around the point, or a scan of the owner's fences when that box is huge.
        let reach = margin - Self.paddingMeters
        let mLat = reach * PreparedShape.latitudeDegreesPerMeter
        let widest = min(abs(point.latitude) + mLat, 89.999)
        let mLon = reach / (LocalFrame.metersPerDegree * cos(widest * Double.pi / 180))
        let r0 = grid.row(max(point.latitude - mLat, -90))
        let r1 = grid.row(min(point.latitude + mLat, 90))
        let c0 = grid.column(max(point.longitude - mLon, -180))
        let c1 = grid.column(min(point.longitude + mLon, 180))
        guard (r1 - r0 + 1) * (c1 - c0 + 1) <= Int64(Self.maxCellsPerFence) else {
            for case let prepared? in slots where prepared.fence.owner == owner { visit(prepared) }
            return
        }
        forEachDistinctEntry(owner: owner) { cell in
            for r in r0...r1 {
                for c in c0...c1 { cell(GridCell.key(row: r, column: c)) }
            }
        } body: {
            visit(prepared($0))
        }
    }

    /// Calls `body` once for each fence of `owner` filed in a cell the segment a→b passes through (b's cell alone when
    /// a is nil), and for each of the owner's wide fences. Does not allocate unless the segment spans many full cells.
    func forEachEntry(owner: String, from a: GeoPoint?, to b: GeoPoint, _ body: (CellEntry) -> Void) {
        guard let cells = owners[owner] else { return }
        for entry in cells.wide { body(entry) }
        let end = grid.key(b)
        guard let a, grid.key(a) != end else {
            if let list = cells.cells[end] {
                for entry in list { body(entry) }
            }
            return
        }
        forEachDistinctEntry(owner: owner) { cell in
            grid.forEachCell(from: a, to: b, cell)
        } body: {
            body($0)
        }
    }

    /// Calls `body` once per distinct fence filed in the cells `cells` enumerates (a fence may sit in several).
    private func forEachDistinctEntry(owner: String, cells enumerate: ((Int64) -> Void) -> Void, body: (CellEntry) -> Void) {
        guard let owned = owners[owner] else { return }
        var total = 0
        enumerate { key in total += owned.cells[key]?.count ?? 0 }
        guard total > 0 else { return }
        withUnsafeTemporaryAllocation(of: CellEntry.self, capacity: total) { buffer in
            var n = 0
            enumerate { key in
                guard let list = owned.cells[key] else { return }
                for entry in list {
                    buffer.initializeElement(at: n, to: entry)
                    n += 1
                }
            }
            var used = UnsafeMutableBufferPointer(rebasing: buffer[0..<n])
            used.sort { $0.slot < $1.slot }
            var previous: Int32 = -1
            for entry in used where entry.slot != previous {
                previous = entry.slot
                body(entry)
            }
            _ = used.deinitialize()
        }
    }
}
