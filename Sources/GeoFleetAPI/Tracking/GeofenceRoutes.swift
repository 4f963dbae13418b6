import Foundation
import GeoFleetCore
import GeoFleetFences
import GeoFleetTracking
import Hummingbird

/// `/api/geofences`: a user's fences (circle, polygon with holes, corridor), validated by GEOS through
/// PostGIS, stored there and indexed in memory for the evaluator.
struct GeofenceRoutes: Sendable {
    let deps: FleetAPIDependencies

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post("geofences", use: create)
        group.get("geofences", use: list)
        group.get("geofences/:id", use: get)
        group.put("geofences/:id", use: replace)
        group.delete("geofences/:id", use: delete)
    }

    func tracking() throws -> Tracking {
        guard let tracking = deps.tracking else { throw APIError(.serviceUnavailable, "geofences are not available on this node") }
        return tracking
    }

    /// The body checked in Swift, then by PostGIS (GEOS) for what only it can judge.
    func checkedFence(_ request: Request, context: APIRequestContext, id: UUID, owner: String, createdAt: Int64?) async throws -> Geofence {
        let body = try await request.decodeStrict(GeofenceBody.self, context: context, maxBytes: GeofenceBody.maxBytes).validated()
        if let reason = try await tracking().geofences.invalidityReason(body.area) {
            throw APIError.badRequest("area is not a valid geometry: \(reason)")
        }
        let now = deps.now()
        return Geofence(
            id: id, owner: owner, name: body.name, area: body.area, speedLimitKmh: body.speedLimitKmh, dwellMinutes: body.dwellMinutes,
            schedule: body.schedule, createdAt: createdAt ?? now, updatedAt: now)
    }

    @Sendable func create(request: Request, context: APIRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let tracking = try tracking()
        guard try await tracking.geofences.count(owner: user.id) < GeofenceStore.maxPerUser else {
            throw APIError(.conflict, "a user has at most \(GeofenceStore.maxPerUser) geofences")
        }
        let fence = try await checkedFence(request, context: context, id: UUID(), owner: user.id, createdAt: nil)
        try await tracking.geofences.save(fence)
        tracking.registry.upsert(fence)
        context.audit?.object("geofence:\(fence.id.uuidString.lowercased())")
        var w = JSONWriter()
        w.beginObject()
        w.key("geofenceId")
        w.string(fence.id.uuidString.lowercased())
        w.endObject()
        return Response(
            status: .created, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: w.bytes)))
    }

    @Sendable func list(request: Request, context: APIRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let fences = try tracking().registry.all(owner: user.id)
        var w = JSONWriter(capacity: 256 * fences.count + 32)
        w.beginObject()
        w.key("geofences")
        w.beginArray()
        for fence in fences { Self.write(fence, to: &w) }
        w.endArray()
        w.endObject()
        return JSONResponse.ok(w)
    }

    @Sendable func get(request: Request, context: APIRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try Validate.uuid(try context.parameters.require("id"), field: "geofence id")
        guard let fence = try tracking().registry.geofence(id: id, owner: user.id) else { throw APIError.notFound("geofence not found") }
        var w = JSONWriter(capacity: 512)
        Self.write(fence, to: &w)
        return JSONResponse.ok(w)
    }

    @Sendable func replace(request: Request, context: APIRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try Validate.uuid(try context.parameters.require("id"), field: "geofence id")
        let tracking = try tracking()
        guard let old = tracking.registry.geofence(id: id, owner: user.id) else { throw APIError.notFound("geofence not found") }
        if let cargo = old.cargoID { throw APIError(.conflict, "this geofence belongs to the deal of cargo \(cargo)") }
        let fence = try await checkedFence(request, context: context, id: id, owner: user.id, createdAt: old.createdAt)
        try await tracking.geofences.save(fence)
        tracking.registry.upsert(fence)
        return JSONResponse.success()
    }

    @Sendable func delete(request: Request, context: APIRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try Validate.uuid(try context.parameters.require("id"), field: "geofence id")
        let tracking = try tracking()
        if let cargo = tracking.registry.geofence(id: id, owner: user.id)?.cargoID {
            throw APIError(.conflict, "this geofence belongs to the deal of cargo \(cargo)")
        }
        guard try await tracking.geofences.delete(id: id, owner: user.id) else { throw APIError.notFound("geofence not found") }
        tracking.registry.remove(id: id)
        return JSONResponse.success()
    }

    static func write(_ g: Geofence, to w: inout JSONWriter) {
        w.beginObject()
        w.key("id")
        w.string(g.id.uuidString.lowercased())
        w.key("name")
        w.string(g.name)
        w.key("area")
        w.json(g.areaJSON)
        if let limit = g.speedLimitKmh {
            w.key("speedLimitKmh")
            w.number(limit)
        }
        if let dwell = g.dwellMinutes {
            w.key("dwellMinutes")
            w.number(dwell)
        }
        if let schedule = g.scheduleJSON {
            w.key("schedule")
            w.json(schedule)
        }
        if let cargo = g.cargoID {
            w.key("cargoId")
            w.string(cargo)
        }
        w.key("createdAt")
        w.date(milliseconds: g.createdAt)
        w.key("updatedAt")
        w.date(milliseconds: g.updatedAt)
        w.endObject()
    }
}
