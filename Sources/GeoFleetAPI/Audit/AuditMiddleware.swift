import Foundation
import GeoFleetPostGIS
import Hummingbird
import Logging
import Metrics

/// Records every write through the API in the audit log: who (the token's subject), what (the route's
/// action and target, fields before and after when the handler says), when, from where, and how it
/// ended (the status, refusals included). Reads and POST queries are not recorded.
struct AuditMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let log: AuditLog?
    let failures = Counter(label: "geofleet_audit_failures_total")
    let recorded = Counter(label: "geofleet_audit_entries_total")

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let log, AuditActions.isWrite(request.method), let user = context.user else { return try await next(request, context) }
        var context = context
        let note = AuditNote()
        context.audit = note
        let status: Int
        do {
            let response = try await next(request, context)
            status = response.status.code
            await record(request: request, context: context, user: user, note: note, status: status, into: log)
            return response
        } catch {
            status = (error as? any HTTPResponseError)?.status.code ?? (error is DecodingError ? 400 : 500)
            await record(request: request, context: context, user: user, note: note, status: status, into: log)
            throw error
        }
    }

    private func record(request: Request, context: Context, user: APIUser, note: AuditNote, status: Int, into log: AuditLog) async {
        guard let action = AuditActions.action(method: request.method, endpoint: context.endpointPath) else { return }
        let fields = note.snapshot
        var parameters: [String: String] = [:]
        for (key, value) in context.parameters { parameters[String(key)] = String(value) }
        let entry = AuditEntry(
            account: fields.account ?? user.id, actor: user.id, actorRole: user.role, channel: "api", action: action,
            target: fields.target ?? AuditActions.target(endpoint: context.endpointPath, parameters: parameters),
            vehicleKey: fields.vehicleKey, method: request.method.rawValue, path: String(request.uri.path.prefix(512)), status: status,
            remote: context.remoteAddress, before: fields.before, after: fields.after, coordinates: fields.coordinates)
        do {
            try await log.append(entry)
            recorded.increment()
        } catch {
            // The write itself is done; a lost audit row is an operator alarm, not the client's failure.
            failures.increment()
            context.logger.error("audit entry not recorded", metadata: ["action": "\(action)", "error": "\(String(reflecting: error))"])
        }
    }
}
