import GeoFleetCore
import Hummingbird

/// Tells the other cluster nodes about every write through the API that changed data they cache
/// (vehicles and their devices, cargo, geofences, cost and marketplace settings), once the write
/// succeeded, so that they refresh it at once.
struct ChangeAnnouncementMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let announce: (@Sendable (CacheChange) -> Void)?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await next(request, context)
        if let announce, request.method != .get, request.method != .head, (200..<300).contains(response.status.code),
            let user = context.user, let scope = Self.scope(endpoint: context.endpointPath)
        {
            announce(CacheChange(scope: scope, userID: user.id))
        }
        return response
    }

    /// The cached data a route's writes change; nil: nothing any node caches.
    static func scope(endpoint: String?) -> CacheChange.Scope? {
        guard let endpoint else { return nil }
        let path = endpoint.hasPrefix("/") ? String(endpoint.dropFirst()) : endpoint
        if path == "api/fleet/cost-settings" || path == "api/settings/costs" || path == "api/match/marketplace" { return .settings }
        if path.hasPrefix("api/fleet/") || path.hasPrefix("api/devices/") { return .vehicles }
        // A quote suggestion is a POST that writes nothing.
        if path.hasPrefix("api/cargo/") { return path.hasSuffix("/quote-suggestion") ? nil : .cargo }
        if path.hasPrefix("api/geofences") { return .geofences }
        return nil
    }
}
