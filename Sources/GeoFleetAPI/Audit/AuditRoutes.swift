import Foundation
import GeoFleetCore
import GeoFleetPlatform
import GeoFleetPostGIS
import Hummingbird

/// `GET /api/audit`: the caller's own account's audit entries, oldest first.
struct AuditRoutes: Sendable {
    let deps: FleetAPIDependencies

    static let defaultLimit = 500
    static let maxLimit = 5_000
    /// Without `from`, the last 30 days.
    static let defaultWindowMs: Int64 = 30 * 86_400_000

    func register(on group: RouterGroup<APIRequestContext>) {
        group.get("audit", use: list)
    }

    @Sendable func list(request: Request, context: APIRequestContext) async throws -> Response {
        let user = try context.requireUser()
        guard let log = deps.audit else { throw APIError(.serviceUnavailable, "the audit log is not available") }
        let q = request.uri.queryParameters
        // Entries carry PostgreSQL's clock, not the engine's (which tests may move): the window is by the wall clock.
        let now = WallClock.nowMilliseconds()
        let to = try q.get("to").map { try Validate.time($0, field: "to") } ?? now + 1
        let from = try q.get("from").map { try Validate.time($0, field: "from") } ?? max(0, to - Self.defaultWindowMs)
        guard from <= to else { throw APIError.badRequest("from must not be after to") }
        let limit = try FleetRoutes.intParameter(q.get("limit"), name: "limit", default: Self.defaultLimit, range: 1...Self.maxLimit)
        var after: Int64?
        if let raw = q.get("after") {
            guard let id = Int64(raw), id >= 0 else { throw APIError.badRequest("after must be an entry id (a non-negative integer)") }
            after = id
        }
        let entries = try await log.entries(
            account: user.id, from: WallClock.date(milliseconds: from), to: WallClock.date(milliseconds: to), after: after, limit: limit)
        var w = JSONWriter(capacity: 64 + entries.count * 320)
        w.beginObject()
        w.key("entries")
        w.beginArray()
        for e in entries { Self.write(e, to: &w) }
        w.endArray()
        if entries.count == limit, let last = entries.last?.id {
            // More may follow: the next page starts after this id.
            w.key("next")
            w.number(last)
        }
        w.endObject()
        return JSONResponse.ok(w)
    }

    static func write(_ e: AuditEntry, to w: inout JSONWriter) {
        w.beginObject()
        w.key("id")
        w.number(e.id ?? 0)
        w.key("time")
        w.date(milliseconds: WallClock.milliseconds(e.time ?? Date(timeIntervalSince1970: 0)))
        w.key("actor")
        w.string(e.actor)
        if let role = e.actorRole {
            w.key("actorRole")
            w.string(role)
        }
        w.key("channel")
        w.string(e.channel)
        w.key("action")
        w.string(e.action)
        w.key("target")
        if let target = e.target { w.string(target) } else { w.null() }
        if let method = e.method {
            w.key("method")
            w.string(method)
        }
        if let path = e.path {
            w.key("path")
            w.string(path, replacingNUL: true)
        }
        if let status = e.status {
            w.key("status")
            w.number(status)
        }
        w.key("remoteAddress")
        if let remote = e.remote { w.string(remote) } else { w.null() }
        // Stored by PostgreSQL as jsonb: valid JSON, written through as it is.
        if let before = e.before {
            w.key("before")
            w.json(before)
        }
        if let after = e.after {
            w.key("after")
            w.json(after)
        }
        if let coordinates = e.coordinates {
            w.key("coordinates")
            w.json(coordinates)
        }
        if let scrubbed = e.scrubbedAt {
            w.key("coordinatesErasedAt")
            w.date(milliseconds: WallClock.milliseconds(scrubbed))
        }
        w.endObject()
    }
}
