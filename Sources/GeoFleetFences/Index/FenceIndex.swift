import Foundation
import GeoFleetCore

/// All fences, indexed for point queries: per owner, a uniform grid of latitude/longitude cells.
///
/// A grid rather than an R-tree: fences are small next to a user's region and fairly even in size, so a fixed cell
/// answers a point query with one hash lookup and a short list, where an R-tree walks several levels of boxes, and
/// upserts and removals touch only the fence's own cells (no rebalancing). `geofleet-bench fences --cell-degrees`
/// measures other cell sizes. Each fence goes into every cell its box, padded by the widest hysteresis band, overlaps
/// (corridors: cells along each segment only), so a fix reads one cell and needs no de-duplication. A fence that would
/// fill more than `maxCellsPerFence` cells (a country-sized circle) is kept in its owner's short list of wide fences,
/// tested on every query instead.
public struct FenceIndex: Sendable {
    /// 0.05° ≈ 5.5 km of latitude. Measured with `geofleet-bench fences`-like data (100,000 fences, optimised build):
    /// 0.02°, 0.05° and 0.1° evaluate fixes at about the same rate (within run-to-run noise), while 0.02° takes two to
    /// four times longer to build and 0.1° hands over twice the candidates (5.0 a fix against 2.3).
    public static let defaultCellDegrees = 0.05
    /// Padding of every fence's cells: a point query with a margin up to this reads one cell.
    public static let paddingMeters = FenceEvaluator.maxBandMeters
    static let maxCellsPerFence = 4096

    struct OwnerCells: Sendable {
        var cells: [Int64: [CellEntry]] = [:]
        var wide: [CellEntry] = []
        var count = 0
    }

    let grid: GridCell
    var slots: [PreparedFence?] = []
    var freeSlots: [Int32] = []
    var slotByID: [UUID: Int32] = [:]
    var owners: [String: OwnerCells] = [:]

    public init() {
        self.init(cellDegrees: Self.defaultCellDegrees)
    }

    /// An index with cells of `cellDegrees`, for tuning and benchmarks (360 puts each owner's fences in one cell: a plain scan).
    public init(cellDegrees: Double) {
        precondition(cellDegrees.isFinite && cellDegrees > 0, "cell size must be a positive number of degrees")
        grid = GridCell(cellDegrees: cellDegrees)
    }

    /// How many fences are indexed.
    public var count: Int { slotByID.count }

    public func fence(id: UUID) -> Fence? { prepared(id: id)?.fence }

    /// The fence filed under a slot a query handed out.
    @inline(__always)
    func prepared(_ entry: CellEntry) -> PreparedFence { slots[Int(entry.slot)]! }

    func prepared(id: UUID) -> PreparedFence? {
        guard let slot = slotByID[id] else { return nil }
        return slots[Int(slot)]
    }

    /// Adds the fence, or replaces the one with the same id. An area that does not pass `FenceArea.validated()` is
    /// refused: the index is left as it was and the result is false.
    @discardableResult
    public mutating func upsert(_ fence: Fence) -> Bool {
        guard let area = try? fence.area.validated() else { return false }
        remove(id: fence.id)
        let prepared = PreparedFence(fence, area: area)
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
            slots[Int(slot)] = prepared
        } else {
            slot = Int32(slots.count)
            slots.append(prepared)
        }
        slotByID[fence.id] = slot
        var owner = owners.removeValue(forKey: fence.owner) ?? OwnerCells()
        let entry = CellEntry(slot: slot, shape: prepared.shape, paddingMeters: Self.paddingMeters)
        if let keys = cellKeys(of: prepared.shape) {
            for key in keys { owner.cells[key, default: []].append(entry) }
        } else {
            owner.wide.append(entry)
        }
        owner.count += 1
        owners[fence.owner] = owner
        return true
    }

    /// Removes the fence with this id, if there is one.
    public mutating func remove(id: UUID) {
        guard let slot = slotByID.removeValue(forKey: id), let prepared = slots[Int(slot)] else { return }
        slots[Int(slot)] = nil
        freeSlots.append(slot)
        guard var owner = owners.removeValue(forKey: prepared.fence.owner) else { return }
        if let keys = cellKeys(of: prepared.shape) {
            for key in keys {
                owner.cells[key]?.removeAll { $0.slot == slot }
                if owner.cells[key]?.isEmpty == true { owner.cells[key] = nil }
            }
        } else {
            owner.wide.removeAll { $0.slot == slot }
        }
        owner.count -= 1
        if owner.count > 0 { owners[prepared.fence.owner] = owner }
    }

    /// The cells a shape is filed under, or nil when it is too wide for cells.
    private func cellKeys(of shape: PreparedShape) -> [Int64]? {
        let pad = Self.paddingMeters
        if shape.kind == .corridor {
            var keys = Set<Int64>()
            let reach = shape.radius + pad
            for i in 0..<(shape.xs.count - 1) {
                let a = shape.frame.point(x: shape.xs[i], y: shape.ys[i])
                let b = shape.frame.point(x: shape.xs[i + 1], y: shape.ys[i + 1])
                let mLat = reach * PreparedShape.latitudeDegreesPerMeter
                let mLon = reach * shape.longitudeDegreesPerMeter
                let added = addRange(
                    to: &keys, minLatitude: min(a.latitude, b.latitude) - mLat, maxLatitude: max(a.latitude, b.latitude) + mLat,
                    minLongitude: min(a.longitude, b.longitude) - mLon, maxLongitude: max(a.longitude, b.longitude) + mLon)
                if !added { return nil }
            }
            return Array(keys)
        }
        let mLat = pad * PreparedShape.latitudeDegreesPerMeter
        let mLon = pad * shape.longitudeDegreesPerMeter
        var keys = Set<Int64>()
        let added = addRange(
            to: &keys, minLatitude: shape.minLatitude - mLat, maxLatitude: shape.maxLatitude + mLat,
            minLongitude: shape.minLongitude - mLon, maxLongitude: shape.maxLongitude + mLon)
        return added ? Array(keys) : nil
    }

    private func addRange(
        to keys: inout Set<Int64>, minLatitude: Double, maxLatitude: Double, minLongitude: Double, maxLongitude: Double
    ) -> Bool {
        let r0 = grid.row(max(minLatitude, -90))
        let r1 = grid.row(min(maxLatitude, 90))
        let c0 = grid.column(max(minLongitude, -180))
        let c1 = grid.column(min(maxLongitude, 180))
        guard (r1 - r0 + 1) * (c1 - c0 + 1) + Int64(keys.count) <= Self.maxCellsPerFence else { return false }
        for r in r0...r1 {
            for c in c0...c1 { keys.insert(GridCell.key(row: r, column: c)) }
        }
        return true
    }
}
