import Foundation
import Hummingbird

/// What erasing a vehicle's history removed, as the API reports it.
public struct HistoryErasureOutcome: Sendable {
    public var deletedPositions: Int
    public var archivesRewritten: Int
    public var archiveRowsRemoved: Int
    /// The archive lock was busy: the next archive run rewrites the archives (the erasure is recorded).
    public var archivesPending: Bool

    public init(deletedPositions: Int, archivesRewritten: Int, archiveRowsRemoved: Int, archivesPending: Bool) {
        self.deletedPositions = deletedPositions
        self.archivesRewritten = archivesRewritten
        self.archiveRowsRemoved = archiveRowsRemoved
        self.archivesPending = archivesPending
    }
}

/// Erases one vehicle's history from every store, and forgets it in memory (hot index, live stream,
/// matching): (vehicle key, vehicle id, the requesting user, who owns it).
public typealias HistoryEraseFunction = @Sendable (Int64, UUID, String) async throws -> HistoryErasureOutcome

/// `DELETE /api/fleet/vehicles/{id}/history`: the owner erases the vehicle's position history.
struct HistoryErasureRoutes: Sendable {
    let deps: FleetAPIDependencies

    func register(on group: RouterGroup<APIRequestContext>) {
        group.delete("fleet/vehicles/:id/history", use: erase)
    }

    struct Erased: ResponseEncodable {
        var success = true
        var deletedPositions: Int
        var archivesRewritten: Int
        var archiveRowsRemoved: Int
        var archivesPending: Bool
    }

    @Sendable func erase(request: Request, context: APIRequestContext) async throws -> Erased {
        let user = try context.requireUser()
        let id = try Validate.uuid(try context.parameters.require("id"), field: "vehicle id")
        // Another user's vehicle answers exactly like a missing one.
        guard let vehicle = try await deps.store.erasableVehicle(id: id, userID: user.id) else { throw APIError.notFound("vehicle not found") }
        guard let eraseHistory = deps.eraseHistory else { throw APIError(.internalServerError, "history erasure is not available") }
        let outcome = try await eraseHistory(vehicle.key, vehicle.id, user.id)
        context.logger.info(
            "vehicle history erased",
            metadata: [
                "vehicle": "\(id.uuidString.lowercased())", "rows": "\(outcome.deletedPositions)", "archives": "\(outcome.archivesRewritten)",
            ])
        return Erased(
            deletedPositions: outcome.deletedPositions, archivesRewritten: outcome.archivesRewritten,
            archiveRowsRemoved: outcome.archiveRowsRemoved, archivesPending: outcome.archivesPending)
    }
}
