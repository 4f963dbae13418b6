import Foundation
import GeoFleetCore
import Synchronization

/// Open cargo in memory, on a grid by pickup point, for "which loads are near this truck".
///
/// Thread-safe; one lock, because cargo changes are rare (marketplace syncs) next to the reads.
public final class CargoIndex: Sendable {
    /// 0.25° cells: about 28 × 19 km in Romania, a few loads each at 20,000 open loads.
    public static let cellDegrees = 0.25

    private struct CellKey: Hashable {
        var lat: Int32
        var lon: Int32
    }

    private struct State {
        var cargo: [String: Cargo] = [:]
        var cells: [CellKey: Set<String>] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    private static func cell(_ p: GeoPoint) -> CellKey {
        CellKey(lat: Int32((p.latitude / cellDegrees).rounded(.down)), lon: Int32((p.longitude / cellDegrees).rounded(.down)))
    }

    /// Adds or replaces a load; a load that is not open leaves the index. Returns true when an open load is new.
    @discardableResult
    public func upsert(_ cargo: Cargo) -> Bool {
        state.withLock { s in
            let old = s.cargo[cargo.id]
            if let old { s.cells[Self.cell(old.pickup)]?.remove(old.id) }
            guard cargo.isOpen else {
                s.cargo[cargo.id] = nil
                return false
            }
            s.cargo[cargo.id] = cargo
            s.cells[Self.cell(cargo.pickup), default: []].insert(cargo.id)
            return old == nil
        }
    }

    @discardableResult
    public func remove(id: String) -> Cargo? {
        state.withLock { s in
            guard let old = s.cargo.removeValue(forKey: id) else { return nil }
            s.cells[Self.cell(old.pickup)]?.remove(id)
            return old
        }
    }

    public func cargo(id: String) -> Cargo? {
        state.withLock { $0.cargo[id] }
    }

    public var count: Int { state.withLock { $0.cargo.count } }

    /// Every open load, in no particular order.
    public func all() -> [Cargo] { state.withLock { Array($0.cargo.values) } }

    /// The `limit` open loads whose pickup is nearest to `point` in a straight line, within
    /// `maxMeters`, among those `accept` lets through; nearest first. Exact: the ring search stops only
    /// when no unvisited cell can hold anything nearer than the `limit`-th found.
    public func nearest(to point: GeoPoint, limit: Int, maxMeters: Double, accept: (Cargo) -> Bool = { _ in true }) -> [(
        cargo: Cargo, meters: Double
    )] {
        guard limit > 0 else { return [] }
        let center = Self.cell(point)
        let latCellMeters = Self.cellDegrees * 111_195
        return state.withLock { s in
            var found: [(cargo: Cargo, meters: Double)] = []
            var ring: Int32 = 0
            // Past this many rings the search has gone round the globe; it normally stops much earlier, at `maxMeters`.
            let maxRing = Int32(360 / Self.cellDegrees)
            while ring <= maxRing {
                for key in Self.ring(center, ring) {
                    guard let ids = s.cells[key] else { continue }
                    for id in ids {
                        guard let c = s.cargo[id] else { continue }
                        let d = GreatCircle.distanceMeters(
                            lat1: point.latitude, lon1: point.longitude, lat2: c.pickup.latitude, lon2: c.pickup.longitude)
                        if d <= maxMeters, accept(c) { found.append((c, d)) }
                    }
                }
                // Anything in ring + 1 or beyond lies at least `ring` whole cells away in latitude or longitude.
                let lonCellMeters = latCellMeters * cos(min(89, abs(point.latitude) + Double(ring + 1) * Self.cellDegrees) * .pi / 180)
                let reach = Double(ring) * min(latCellMeters, lonCellMeters)
                if reach > maxMeters { break }
                if found.count >= limit {
                    found.sort { $0.meters < $1.meters || ($0.meters == $1.meters && $0.cargo.id < $1.cargo.id) }
                    if found[limit - 1].meters <= reach { break }
                }
                ring += 1
            }
            found.sort { $0.meters < $1.meters || ($0.meters == $1.meters && $0.cargo.id < $1.cargo.id) }
            return Array(found.prefix(limit))
        }
    }

    /// The cells at Chebyshev distance `r` from `c`.
    private static func ring(_ c: CellKey, _ r: Int32) -> [CellKey] {
        if r == 0 { return [c] }
        var out: [CellKey] = []
        out.reserveCapacity(Int(8 * r))
        for dx in -r...r {
            out.append(CellKey(lat: c.lat - r, lon: c.lon + dx))
            out.append(CellKey(lat: c.lat + r, lon: c.lon + dx))
        }
        for dy in (-r + 1)..<r {
            out.append(CellKey(lat: c.lat + dy, lon: c.lon - r))
            out.append(CellKey(lat: c.lat + dy, lon: c.lon + r))
        }
        return out
    }
}
