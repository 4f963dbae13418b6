import GeoFleetAPI
import GeoFleetArchive

/// The API's erasure (`DELETE /api/fleet/vehicles/{id}/history`): PostGIS, the spool (through the ledger
/// the writer checks) and the archives, then what the engine holds in memory.
enum APIHistoryEraser {
    static func function(context: ArchiveContext, forgetter: VehicleForgetter, now: @escaping @Sendable () -> Int64) -> HistoryEraseFunction {
        let eraser = HistoryEraser(context: context, now: now)
        return { key, id, user in
            let result = try await eraser.erase([ErasedVehicle(key: key, id: id)], subjectUser: user, requestedBy: user, channel: "api")
            // Only the owner may erase: the requesting user owns the vehicle.
            forgetter.forget(vehicleKey: key, id: id, owner: user)
            return HistoryErasureOutcome(
                deletedPositions: result.liveRowsDeleted, archivesRewritten: result.archivesRewritten,
                archiveRowsRemoved: result.archiveRowsRemoved, archivesPending: result.archivesPending)
        }
    }
}
