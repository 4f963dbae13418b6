import Foundation
import Hummingbird

/// Verifies `Authorization: Bearer <JWT>` (HS256 or Clerk RS256, see ``TokenAuthority``) and requires the
/// `pro` plan for fleet features (the marketplace's permission matrix); `role: service` (HS256 only) passes too.
///
/// 401 `{"error": …}` with `WWW-Authenticate: Bearer` for a missing, malformed or refused token (the
/// message says why: expired, bad signature, unknown key, ...); 403 for a valid token on the trial plan
/// (a token without a `plan` claim counts as trial). On success `context.user` is set.
///
/// With `serviceNeedsClientCertificate` (`GEOFLEET_SERVICE_CLIENT_CERT=required`) a service token only counts
/// on a request that came over TLS from a client with a verified certificate (see ``ClientCertificateMark``).
public struct AuthMiddleware: RouterMiddleware {
    public typealias Context = APIRequestContext
    let tokens: TokenAuthority
    let serviceNeedsClientCertificate: Bool

    public init(tokens: TokenAuthority, serviceNeedsClientCertificate: Bool = false) {
        self.tokens = tokens
        self.serviceNeedsClientCertificate = serviceNeedsClientCertificate
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let token: String
        if let header = request.headers[.authorization] {
            guard let bearer = Self.bearerToken(header) else {
                throw APIError(.unauthorized, "authorization must be a bearer token", headers: [.wwwAuthenticate: "Bearer"])
            }
            token = bearer
        } else if let offered = Self.webSocketToken(request.headers) {
            token = offered
        } else {
            throw APIError(.unauthorized, "missing bearer token", headers: [.wwwAuthenticate: "Bearer"])
        }
        let claims: APIClaims
        do {
            claims = try await tokens.verify(token)
        } catch {
            context.logger.debug("bearer token refused", metadata: ["reason": "\(error)"])
            throw APIError(.unauthorized, error.description, headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\""])
        }
        guard !claims.sub.value.isEmpty else {
            throw APIError(.unauthorized, "token has no subject", headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\""])
        }
        if claims.role == "service" && serviceNeedsClientCertificate && !ClientCertificateMark.isVerified(request.headers) {
            throw APIError(
                .unauthorized, "service tokens require TLS with a verified client certificate (GEOFLEET_SERVICE_CLIENT_CERT=required)",
                headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\""])
        }
        guard claims.plan == "pro" || claims.role == "service" else {
            throw APIError(.forbidden, Self.planMessage(claims.plan))
        }
        var context = context
        context.user = APIUser(id: claims.sub.value, plan: claims.plan, role: claims.role, expiresAt: claims.exp.value)
        context.logger[metadataKey: "user"] = "\(claims.sub.value)"
        return try await next(request, context)
    }

    /// The WebSocket subprotocol that carries a token: a browser cannot set `Authorization` on a WebSocket, so
    /// the console offers `Sec-WebSocket-Protocol: geofleet.bearer, <token>` (a header, so the token stays out of
    /// URLs and logs) and the upgrade answers with `geofleet.bearer`.
    public static let webSocketProtocol = "geofleet.bearer"

    /// The token of a WebSocket upgrade offering exactly `geofleet.bearer, <token>`; nil otherwise.
    static func webSocketToken(_ headers: HTTPFields) -> String? {
        guard headers[.upgrade]?.lowercased() == "websocket", let offered = headers[.secWebSocketProtocol] else { return nil }
        let parts = offered.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, parts[0] == webSocketProtocol, !parts[1].isEmpty else { return nil }
        return parts[1]
    }

    static let bearerPrefix = Array("bearer ".utf8)

    /// The token of `Bearer <token>` (scheme in any case), trimmed of whitespace; nil for another scheme
    /// or nothing after it. Compares bytes rather than lower-casing the header: this runs on every request.
    static func bearerToken(_ header: String) -> String? {
        let utf8 = header.utf8
        guard utf8.count > bearerPrefix.count,
            zip(utf8, bearerPrefix).allSatisfy({ $0 == $1 || ($1 != UInt8(ascii: " ") && $0 | 0x20 == $1) })
        else { return nil }
        let rest = Substring(header).dropFirst(bearerPrefix.count)
        // Only ASCII ends need no Unicode-aware trimming.
        if let first = rest.utf8.first, let last = rest.utf8.last, first > 0x20, first < 0x80, last > 0x20, last < 0x80 {
            return String(rest)
        }
        return rest.trimmingCharacters(in: .whitespaces)
    }

    /// The 403 answer for a token whose plan is not `pro`.
    static func planMessage(_ plan: String) -> String {
        let shown = plan.count > 32 ? String(plan.prefix(32)) + "…" : plan
        return "fleet features require the pro plan; this token's plan is \(shown) (a token without a plan claim counts as trial)"
    }
}
