import Foundation
import GeoFleetCore
import GeoFleetEvents
import Hummingbird

/// `POST/GET /api/webhooks`, `DELETE /api/webhooks/{id}`: the caller's webhook receivers.
struct WebhookRoutes: Sendable {
    let deps: FleetAPIDependencies

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post("webhooks", use: create)
        group.get("webhooks", use: list)
        group.delete("webhooks/:id", use: delete)
    }

    struct CreateBody: StrictBody {
        var url: String
        var secret: String
        var events: [String]?
        static let allowedKeys: Set<String> = ["url", "secret", "events"]
    }

    @Sendable func create(request: Request, context: APIRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let body = try await request.decodeStrict(CreateBody.self, context: context)
        let id: UUID
        do {
            id = try await WebhookStore.create(
                client: deps.store.client, userID: user.id, url: body.url, secret: body.secret, events: body.events, logger: context.logger)
        } catch let error as WebhookError {
            switch error {
            case .invalid(let message): throw APIError.badRequest(message)
            case .tooMany: throw APIError(.conflict, error.description)
            }
        }
        context.logger.info("webhook created", metadata: ["webhook": "\(id.apiText)"])
        context.audit?.object("webhook:\(id.apiText)")
        var w = JSONWriter()
        w.beginObject()
        w.key("webhookId")
        w.string(id.apiText)
        w.endObject()
        return Response(
            status: .created, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: w.bytes)))
    }

    @Sendable func list(request: Request, context: APIRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let webhooks = try await WebhookStore.list(client: deps.store.client, userID: user.id, logger: context.logger)
        var w = JSONWriter()
        w.beginObject()
        w.key("webhooks")
        w.beginArray()
        for webhook in webhooks {
            w.beginObject()
            w.key("id")
            w.string(webhook.id.apiText)
            w.key("url")
            w.string(webhook.url)
            // Absent: every type (the API omits empty optional fields rather than writing null).
            if let events = webhook.events {
                w.key("events")
                w.beginArray()
                for type in events { w.string(type) }
                w.endArray()
            }
            w.key("createdAt")
            w.date(milliseconds: webhook.createdAt)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return JSONResponse.ok(w)
    }

    @Sendable func delete(request: Request, context: APIRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try Validate.uuid(try context.parameters.require("id"), field: "webhook id")
        guard try await WebhookStore.delete(client: deps.store.client, userID: user.id, id: id, logger: context.logger) else {
            throw APIError.notFound("webhook not found")
        }
        context.logger.info("webhook deleted", metadata: ["webhook": "\(id.apiText)"])
        return JSONResponse.success()
    }
}
