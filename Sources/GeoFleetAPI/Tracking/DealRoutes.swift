import Foundation
import GeoFleetCore
import GeoFleetTracking
import Hummingbird

/// `GET /api/deals/{cargoId}/progress`: a deal's state, progress along the road, ETA and timeline.
struct DealRoutes: Sendable {
    let deps: FleetAPIDependencies

    func register(on group: RouterGroup<APIRequestContext>) {
        group.get("deals/:cargoId/progress", use: progress)
    }

    @Sendable func progress(request: Request, context: APIRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let cargoID = try Validate.reference(try context.parameters.require("cargoId"), field: "cargo id")
        guard let tracking = deps.tracking else { throw APIError(.serviceUnavailable, "deal tracking is not available on this node") }
        if let deal = tracking.deals.deal(cargoID: cargoID, owner: user.id) { return JSONResponse.ok(bytes: Array(deal.progressJSON.utf8)) }
        // Assigned, but no position of the vehicle has been evaluated since: the deal has not started.
        guard let entry = deps.catalog.entries(owner: user.id).first(where: { $0.cargoID == cargoID }) else {
            throw APIError.notFound("no deal for this cargo")
        }
        let pending = Deal(
            cargoID: cargoID, owner: user.id, vehicleKey: entry.key, vehicleID: entry.id,
            pickup: GeoPoint(latitude: entry.cargo?.pickup.lat ?? 0, longitude: entry.cargo?.pickup.long ?? 0),
            delivery: GeoPoint(latitude: entry.cargo?.delivery.lat ?? 0, longitude: entry.cargo?.delivery.long ?? 0),
            assignedAt: deps.now())
        return JSONResponse.ok(bytes: Array(pending.progressJSON.utf8))
    }
}
