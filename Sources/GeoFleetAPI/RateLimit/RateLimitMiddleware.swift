import Hummingbird

// `HTTPField.Name`, reached through `HTTPFields` (Hummingbird re-exports that, not `HTTPField`).
extension HTTPFields.Element.Name {
    /// `X-RateLimit-Limit`: the group's limit (requests per its period).
    public static let rateLimitLimit = Self("X-RateLimit-Limit")!
    /// `X-RateLimit-Remaining`: requests of the group the user may still make right now.
    public static let rateLimitRemaining = Self("X-RateLimit-Remaining")!
}

/// Applies a ``RateLimiter`` to authenticated `/api/` requests; add it after ``AuthMiddleware`` (it keys
/// on `context.user`; without one the request passes untouched and the route answers 401).
///
/// Refused: 429 `{"error": "rate limit exceeded …"}` with `Retry-After` (seconds), `X-RateLimit-Limit`
/// and `X-RateLimit-Remaining: 0`; counted in `geofleet_api_rate_limited_total{group}`. Passed: the
/// answer carries `X-RateLimit-Limit` and `X-RateLimit-Remaining`. Requests outside the configured groups
/// (by default anything outside `/api/`) and users with an exempt role are not limited.
public struct RateLimitMiddleware: RouterMiddleware {
    public typealias Context = APIRequestContext
    let limiter: RateLimiter

    public init(limiter: RateLimiter) {
        self.limiter = limiter
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !limiter.limitsNothing, let user = context.user, !(user.role.map(limiter.configuration.exemptRoles.contains) ?? false),
            let group = limiter.configuration.classify(request.method, context.endpointPath ?? request.uri.path),
            let decision = await limiter.decide(user: user.id, group: group)
        else {
            return try await next(request, context)
        }
        guard decision.allowed else {
            let seconds = decision.retryAfterSeconds
            context.logger.debug("rate limited", metadata: ["group": "\(group)", "retryAfter": "\(seconds)"])
            throw APIError(
                .tooManyRequests,
                "rate limit exceeded: \(decision.limit) for \(group) requests; retry in \(seconds) s",
                headers: [.retryAfter: "\(seconds)", .rateLimitLimit: "\(decision.limit.limit)", .rateLimitRemaining: "0"])
        }
        var response = try await next(request, context)
        response.headers[.rateLimitLimit] = "\(decision.limit.limit)"
        response.headers[.rateLimitRemaining] = "\(decision.remaining)"
        return response
    }
}
