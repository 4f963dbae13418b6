import Foundation
import GeoFleetCore
import GeoFleetMatchService
import Hummingbird

/// `PUT /api/cargo/{id}` and `DELETE /api/cargo/{id}`: the marketplace keeps GeoFleet's index of
/// open cargo in sync. Only a service token (`role: service`) may.
struct CargoRoutes: Sendable {
    let deps: FleetAPIDependencies

    func register(on group: RouterGroup<APIRequestContext>) {
        group.put("cargo/:cargoId", use: put)
        group.delete("cargo/:cargoId", use: delete)
    }

    static func requireService(_ context: APIRequestContext) throws {
        guard try context.requireUser().role == "service" else {
            throw APIError(.forbidden, "only a service token (role: service) may sync cargo")
        }
    }

    @Sendable func put(request: Request, context: APIRequestContext) async throws -> Response {
        try Self.requireService(context)
        let id = try Validate.reference(try context.parameters.require("cargoId"), field: "cargo id")
        let body = try await request.decodeStrict(CargoBody.self, context: context)
        let cargo = try body.validated(id: id, now: deps.now())
        let before = deps.matching.cargo.cargo(id: id)
        try await deps.matching.put(cargo)
        context.audit?.change(before: before.map(AuditSnapshot.init(cargo:)), after: AuditSnapshot(cargo: cargo))
        return JSONResponse.success { w in
            w.key("indexed")
            w.bool(cargo.isOpen)
        }
    }

    @Sendable func delete(request: Request, context: APIRequestContext) async throws -> Response {
        try Self.requireService(context)
        let id = try Validate.reference(try context.parameters.require("cargoId"), field: "cargo id")
        let before = deps.matching.cargo.cargo(id: id)
        guard try await deps.matching.delete(cargoID: id) else { throw APIError.notFound("cargo not found") }
        context.audit?.change(before: before.map(AuditSnapshot.init(cargo:)), after: nil)
        return JSONResponse.success()
    }
}
