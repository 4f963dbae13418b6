import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore

/// The authenticated caller of an `/api/` request.
public struct APIUser: Sendable, Hashable {
    public var id: String
    public var plan: String
    public var role: String?
    /// When the token expires: long-lived answers (the WebSocket stream) end then.
    public var expiresAt: Date?

    public init(id: String, plan: String, role: String? = nil, expiresAt: Date? = nil) {
        self.id = id
        self.plan = plan
        self.role = role
        self.expiresAt = expiresAt
    }
}

/// Hummingbird request context carrying the authenticated user (and able to upgrade to a WebSocket).
public struct APIRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var user: APIUser?
    public let webSocket: WebSocketHandlerReference<APIRequestContext>
    /// Set by the audit middleware on a write: the handler describes its change there.
    public var audit: AuditNote?
    /// Kept to name the client's address on demand (the audit), not worked out on every request.
    private let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        user = nil
        webSocket = .init()
        channel = source.channel
    }

    /// The client's IP address.
    public var remoteAddress: String? { channel.remoteAddress?.ipAddress }

    /// Bodies are small JSON documents; anything bigger is refused with 413.
    public var maxUploadSize: Int { 64 * 1024 }

    /// The caller, or 401 when the route was reached without authentication.
    public func requireUser() throws -> APIUser {
        guard let user else { throw APIError(.unauthorized, "missing bearer token") }
        return user
    }
}
