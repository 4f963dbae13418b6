import Foundation
import GeoFleetHotIndex
import GeoFleetLive
import GeoFleetMatchService

/// Forgets in memory what erasing a vehicle's history removed from the stores: its latest fix in the
/// hot index, its positions in the live stream's resume window, and matching's driving-time estimate
/// and the point its suggestions were last worked out at. The API's erasure and the watcher of other
/// processes' erasures both go through here.
struct VehicleForgetter: Sendable {
    let hot: HotPositions
    let catalog: VehicleCatalog
    let events: FleetEventHub
    let matching: MatchService

    /// `id` and `owner` default to the catalog's (a deleted vehicle is no longer in it: then the caller
    /// names them). With `fixesThrough`, the latest fix is dropped only when it is not newer: a fix that
    /// came after the erasure is new history. Returns whether a latest fix was dropped.
    @discardableResult
    func forget(vehicleKey key: Int64, id: UUID? = nil, owner: String? = nil, fixesThrough: Int64? = nil) -> Bool {
        let entry = catalog.entry(key: key)
        if let id = id ?? entry?.id { events.redactPositions(of: id) }
        matching.forget(vehicleKey: key)
        guard let owner = owner ?? entry?.owner, let fix = hot.latest(vehicleKey: key, owner: owner) else { return false }
        if let fixesThrough, fix.fixTime > fixesThrough { return false }
        hot.remove(vehicleKey: key, owner: owner)
        return true
    }
}
