import GeoFleetCore
import GeoFleetEvents
import Hummingbird

/// `GET /api/events`: the caller's events, oldest first, by time range, type and vehicle.
struct EventRoutes: Sendable {
    let deps: FleetAPIDependencies

    func register(on group: RouterGroup<APIRequestContext>) {
        group.get("events", use: list)
    }

    @Sendable func list(request: Request, context: APIRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let q = request.uri.queryParameters
        let from = try q.get("from").map { try Validate.time($0, field: "from") }
        let to = try q.get("to").map { try Validate.time($0, field: "to") }
        if let from, let to, from > to { throw APIError.badRequest("from must not be after to") }
        let type = try q.get("type").map { raw -> String in
            guard EventTypes.known.contains(raw) else {
                throw APIError.badRequest("type must be one of \(EventTypes.all.joined(separator: ", "))")
            }
            return raw
        }
        let vehicleID = try q.get("vehicleId").map { try Validate.uuid($0, field: "vehicleId") }
        let limit = try FleetRoutes.intParameter(
            q.get("limit"), name: "limit", default: EventLog.defaultListLimit, range: 1...EventLog.maxListLimit)
        let events = try await EventLog.list(
            client: deps.store.client, userID: user.id, from: from, to: to, type: type, vehicleID: vehicleID, limit: limit,
            logger: context.logger)
        var w = JSONWriter(capacity: 64 + events.count * 256)
        w.beginObject()
        w.key("events")
        w.beginArray()
        for event in events { event.write(to: &w) }
        w.endArray()
        w.endObject()
        return JSONResponse.ok(w)
    }
}
