import Hummingbird
import Logging

/// The authenticated caller of an `/api/` request.
public struct APIUser: Sendable, Hashable {
    public var id: String
    public var plan: String
    public var role: String?
}

/// Hummingbird request context carrying the authenticated user.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var user: APIUser?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        user = nil
    }

    /// Bodies are small JSON documents; anything bigger is refused with 413.
    public var maxUploadSize: Int { 64 * 1024 }

    /// The caller, or 401 when the route was reached without authentication.
    public func requireUser() throws -> APIUser {
        guard let user else { throw APIError(.unauthorized, "missing bearer token") }
        return user
    }
}

/// Verifies `Authorization: Bearer <JWT>` and requires the `pro` plan for fleet features (the seed's permission matrix).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let tokens: TokenAuthority

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw APIError(.unauthorized, "missing bearer token", headers: [.wwwAuthenticate: "Bearer"])
        }
        let prefix = "Bearer "
        guard header.count > prefix.count, header.lowercased().hasPrefix(prefix.lowercased()) else {
            throw APIError(.unauthorized, "authorization must be a bearer token", headers: [.wwwAuthenticate: "Bearer"])
        }
        let token = String(header.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
        let claims: APIClaims
        do {
            claims = try await tokens.verify(token)
        } catch {
            throw APIError(.unauthorized, "invalid or expired token", headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\""])
        }
        guard !claims.sub.value.isEmpty else { throw APIError(.unauthorized, "token has no subject") }
        guard claims.plan == "pro" || claims.role == "service" else {
            throw APIError(.forbidden, "fleet features require the pro plan (token plan: \(claims.plan))")
        }
        var context = context
        context.user = APIUser(id: claims.sub.value, plan: claims.plan, role: claims.role)
        context.logger[metadataKey: "user"] = "\(claims.sub.value)"
        return try await next(request, context)
    }
}

import Foundation
