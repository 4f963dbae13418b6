import Foundation
import GeoFleetCore
import GeoFleetExport
import GeoFleetPostGIS
import HTTPTypes
import Hummingbird

/// `/api/privacy/exports`: a user's GDPR export of their vehicles' position history (access and
/// portability), as a job: request it, poll it, download the file.
struct PrivacyExportRoutes: Sendable {
    let deps: FleetAPIDependencies

    /// The longest range one export may cover.
    static let maxRangeDays: Int64 = 400
    /// The most vehicles one export may name (and the most an "all vehicles" export takes).
    static let maxVehicles = 1000

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post("privacy/exports", use: create)
        group.get("privacy/exports/:id", use: status)
        group.get("privacy/exports/:id/download", use: download)
    }

    struct Body: StrictBody {
        static let allowedKeys: Set<String> = ["vehicleIds", "from", "to", "format"]
        var vehicleIds: [String]?
        var from: String
        var to: String
        var format: String
    }

    func service() throws -> ExportService {
        guard let exports = deps.exports else { throw APIError(.serviceUnavailable, "exports are not available") }
        return exports
    }

    @Sendable func create(request: Request, context: APIRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let body = try await request.decodeStrict(Body.self, context: context)
        let from = try Validate.time(body.from, field: "from")
        let to = try Validate.time(body.to, field: "to")
        guard from < to else { throw APIError.badRequest("from must be before to") }
        guard to - from <= Self.maxRangeDays * 86_400_000 else { throw APIError.badRequest("the range must be at most \(Self.maxRangeDays) days") }
        guard let format = ExportFormat(rawValue: body.format) else {
            throw APIError.badRequest("format must be one of \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let exports = try service()
        let keys: [Int64]
        if let raw = body.vehicleIds {
            guard !raw.isEmpty else { throw APIError.badRequest("vehicleIds must not be empty (omit it for all vehicles)") }
            guard raw.count <= Self.maxVehicles else { throw APIError.badRequest("vehicleIds may name at most \(Self.maxVehicles) vehicles") }
            var ids: [UUID] = []
            var seen = Set<UUID>()
            for text in raw {
                let id = try Validate.uuid(text, field: "vehicleIds")
                if seen.insert(id).inserted { ids.append(id) }
            }
            let owned = try await deps.store.vehicleKeys(ids: ids, userID: user.id)
            // Another user's vehicle answers exactly like a missing one.
            guard owned.count == ids.count else { throw APIError.notFound("vehicle not found") }
            keys = ids.compactMap { owned[$0] }
        } else {
            keys = try await deps.store.vehicleKeys(userID: user.id, limit: Self.maxVehicles + 1)
            guard keys.count <= Self.maxVehicles else {
                throw APIError.badRequest("more than \(Self.maxVehicles) vehicles: name them in vehicleIds, in several exports")
            }
        }
        let id: UUID
        do {
            id = try await exports.create(owner: user.id, vehicleKeys: keys, from: from, to: to, format: format)
        } catch ExportRequestError.tooManyQueued(let limit) {
            throw APIError(.tooManyRequests, "at most \(limit) exports may wait at once; try again later", headers: [.retryAfter: "60"])
        }
        context.audit?.object("export:\(id.uuidString.lowercased())")
        context.audit?.change(
            before: nil,
            after: AuditSnapshot(fields: [
                "format": format.rawValue, "from": UTCTime.iso8601(milliseconds: from), "to": UTCTime.iso8601(milliseconds: to),
                "vehicleCount": keys.count,
            ]))
        var w = JSONWriter()
        w.beginObject()
        w.key("exportId")
        w.string(id.uuidString.lowercased())
        w.endObject()
        return Response(
            status: .accepted, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: w.bytes)))
    }

    /// The caller's job, or 404 (also for another user's).
    func ownedJob(_ context: APIRequestContext) async throws -> ExportJob {
        let user = try context.requireUser()
        let id = try Validate.uuid(try context.parameters.require("id"), field: "export id")
        guard let job = try await service().job(id: id, owner: user.id) else { throw APIError.notFound("export not found") }
        return job
    }

    @Sendable func status(request: Request, context: APIRequestContext) async throws -> Response {
        let job = try await ownedJob(context)
        let id = job.id.uuidString.lowercased()
        var w = JSONWriter()
        w.beginObject()
        w.key("exportId")
        w.string(id)
        w.key("status")
        w.string(job.status.rawValue)
        w.key("format")
        w.string(job.format.rawValue)
        w.key("from")
        w.date(milliseconds: job.from)
        w.key("to")
        w.date(milliseconds: job.to)
        w.key("vehicleCount")
        w.number(job.vehicleKeys.count)
        w.key("rows")
        w.number(job.rows)
        w.key("progress")
        w.number(job.status == .done ? 1 : min(1, max(0, job.progress)), decimals: 4)
        w.key("createdAt")
        w.date(milliseconds: job.createdAt)
        if let finished = job.finishedAt {
            w.key("finishedAt")
            w.date(milliseconds: finished)
        }
        if let expires = job.expiresAt {
            w.key("expiresAt")
            w.date(milliseconds: expires)
        }
        if job.status == .done {
            w.key("bytes")
            w.number(job.bytes)
            w.key("downloadUrl")
            w.string("/api/privacy/exports/\(id)/download")
        }
        if job.status == .failed, let error = job.error {
            w.key("error")
            w.string(error)
        }
        w.endObject()
        return JSONResponse.ok(w)
    }

    @Sendable func download(request: Request, context: APIRequestContext) async throws -> Response {
        let job = try await ownedJob(context)
        guard job.status == .done, let path = job.filePath else {
            throw APIError(.conflict, "export is \(job.status.rawValue), not ready for download")
        }
        guard FileManager.default.fileExists(atPath: path) else { throw APIError.notFound("export not found") }
        let body = try await FileIO().loadFile(path: path, context: context)
        // A read, but of a person's whereabouts in bulk: who took the file is on record.
        if let user = context.user {
            try? await deps.audit?.append(
                AuditEntry(
                    account: user.id, actor: user.id, actorRole: user.role, channel: "api", action: "export.download",
                    target: "export:\(job.id.uuidString.lowercased())", method: request.method.rawValue, path: request.uri.path, status: 200,
                    remote: context.remoteAddress))
        }
        let name = "geofleet-export-\(job.id.uuidString.lowercased()).\(job.format.fileExtension)"
        return Response(
            status: .ok,
            headers: [
                .contentType: job.format.contentType, .contentDisposition: "attachment; filename=\"\(name)\"",
                .cacheControl: "no-store",
            ],
            body: body)
    }
}
