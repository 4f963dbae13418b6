import Foundation

/// One owner's vehicles: a dense array of latest fixes plus a sparse grid of cells that point into it.
///
/// Not thread-safe: `HotPositions` only touches it under its stripe's lock. A class, so the lock's
/// dictionary holds a reference and in-place mutation never copies the arrays.
final class OwnerGrid {
    /// What a cell stores per vehicle: enough to rank it without touching `entries`.
    struct CellPoint {
        var latitude: Double
        var longitude: Double
        /// cos(latitude), computed exactly as `GreatCircle.distanceMeters` does, so ranks match it bit for bit.
        var cosLatitude: Double
        var vehicleKey: Int64
        var slot: Int32
    }

    struct Entry {
        var fix: HotFix
        var cellKey: Int
        var indexInCell: Int32
    }

    let geometry: GridGeometry
    private(set) var entries: ContiguousArray<Entry> = []
    private var slots: [Int64: Int32] = [:]
    /// Occupied cells only, densely packed: `cellPoints[i]` lies in cell `cellKeys[i]`, and
    /// `cellIndex` maps a cell key to `i`. An emptied cell is swap-removed, so the count measures spread.
    private(set) var cellPoints: ContiguousArray<ContiguousArray<CellPoint>> = []
    private(set) var cellKeys: ContiguousArray<Int> = []
    private(set) var cellIndex = CellTable()

    init(geometry: GridGeometry) {
        self.geometry = geometry
    }

    var count: Int { entries.count }

    enum UpdateOutcome {
        case inserted, replaced, ignored
    }

    /// Newer fix time wins (capped at the receive time: see `HotFix.orderingTime`); equal or older
    /// (late, retransmitted) fixes are ignored.
    func update(_ fix: HotFix) -> UpdateOutcome {
        guard fix.latitude.isFinite, fix.longitude.isFinite, abs(fix.latitude) <= 90 else { return .ignored }
        let cellKey = geometry.key(latitude: fix.latitude, longitude: fix.longitude)
        if let slot = slots[fix.vehicleKey] {
            let i = Int(slot)
            guard fix.orderingTime > entries[i].fix.orderingTime else { return .ignored }
            let point = Self.point(fix, slot: slot)
            let oldKey = entries[i].cellKey
            if oldKey == cellKey {
                cellPoints[Int(cellIndex.find(cellKey)!)][Int(entries[i].indexInCell)] = point
            } else {
                removeFromCell(oldKey, at: entries[i].indexInCell)
                entries[i].indexInCell = append(point, to: cellKey)
                entries[i].cellKey = cellKey
            }
            entries[i].fix = fix
            return .replaced
        }
        guard entries.count < Int(Int32.max) else { return .ignored }
        let slot = Int32(entries.count)
        let index = append(Self.point(fix, slot: slot), to: cellKey)
        entries.append(Entry(fix: fix, cellKey: cellKey, indexInCell: index))
        slots[fix.vehicleKey] = slot
        return .inserted
    }

    /// Returns whether the vehicle was present.
    func remove(vehicleKey: Int64) -> Bool {
        guard let slot = slots.removeValue(forKey: vehicleKey) else { return false }
        let i = Int(slot)
        removeFromCell(entries[i].cellKey, at: entries[i].indexInCell)
        let last = entries.count - 1
        if i != last {
            // Swap-remove: the last entry moves into the hole, and its cell point must follow.
            let moved = entries[last]
            entries[i] = moved
            slots[moved.fix.vehicleKey] = slot
            cellPoints[Int(cellIndex.find(moved.cellKey)!)][Int(moved.indexInCell)].slot = slot
        }
        entries.removeLast()
        return true
    }

    func latest(vehicleKey: Int64) -> HotFix? {
        slots[vehicleKey].map { entries[Int($0)].fix }
    }

    func allFixes() -> [HotFix] {
        entries.map(\.fix)
    }

    // MARK: - Cells

    private static func point(_ fix: HotFix, slot: Int32) -> CellPoint {
        CellPoint(
            latitude: fix.latitude, longitude: fix.longitude, cosLatitude: cos(fix.latitude * GridGeometry.toRad),
            vehicleKey: fix.vehicleKey, slot: slot)
    }

    private func append(_ point: CellPoint, to cellKey: Int) -> Int32 {
        if let c = cellIndex.find(cellKey) {
            let index = Int32(cellPoints[Int(c)].count)
            cellPoints[Int(c)].append(point)
            return index
        }
        cellIndex.set(cellKey, Int32(cellPoints.count))
        cellPoints.append([point])
        cellKeys.append(cellKey)
        return 0
    }

    private func removeFromCell(_ cellKey: Int, at index: Int32) {
        let c = Int(cellIndex.find(cellKey)!)
        let i = Int(index)
        // Swap-remove inside the cell; the point moved into the hole must learn its new index.
        let last = cellPoints[c].count - 1
        if i != last {
            let moved = cellPoints[c][last]
            cellPoints[c][i] = moved
            entries[Int(moved.slot)].indexInCell = index
        }
        cellPoints[c].removeLast()
        guard last == 0 else { return }
        // The cell emptied: swap-remove it from the dense cell list too.
        cellIndex.remove(cellKey)
        let lastCell = cellPoints.count - 1
        if c != lastCell {
            cellPoints.swapAt(c, lastCell)
            cellKeys.swapAt(c, lastCell)
            cellIndex.set(cellKeys[c], Int32(c))
        }
        cellPoints.removeLast()
        cellKeys.removeLast()
    }
}
