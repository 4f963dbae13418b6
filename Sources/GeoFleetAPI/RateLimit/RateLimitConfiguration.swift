import Hummingbird

/// `limit` requests per `period` for one user in one endpoint group; all `limit` may come at once,
/// after which they come back evenly (one every `period / limit`).
public struct RateLimit: Sendable, Hashable, CustomStringConvertible {
    public var limit: Int
    public var period: Duration

    public init(_ limit: Int, per period: Duration) {
        self.limit = limit
        self.period = period
    }

    public static func perMinute(_ limit: Int) -> RateLimit { RateLimit(limit, per: .seconds(60)) }
    public static func perHour(_ limit: Int) -> RateLimit { RateLimit(limit, per: .seconds(3600)) }

    /// `10 per hour`, `120 per minute`, `5 per 30 s`.
    public var description: String {
        switch period {
        case .seconds(3600): "\(limit) per hour"
        case .seconds(60): "\(limit) per minute"
        case .seconds(1): "\(limit) per second"
        default: "\(limit) per \(period.components.seconds) s"
        }
    }
}

/// Which requests are limited, how much, and how many users are remembered.
public struct RateLimitConfiguration: Sendable {
    /// Endpoint group names used by ``defaultClassifier``.
    public static let fleetWriteGroup = "fleet_write"
    public static let routingGroup = "routing"
    public static let apiGroup = "api"

    /// Group name → limit. A group that is absent, or whose limit is 0 or less, is not limited.
    public var limits: [String: RateLimit]
    /// The group of a request from its method and matched route (e.g. `/api/fleet/vehicles/{id}`);
    /// nil: not limited.
    public var classify: @Sendable (HTTPRequest.Method, String) -> String?
    /// Users remembered at once (each with one state per group). Past it, users whose every bucket has
    /// refilled are forgotten first (losslessly), then those nearest to refilled.
    public var maxTrackedUsers: Int
    /// Users with one of these roles are not limited (the marketplace backend's service token syncs in bulk).
    public var exemptRoles: Set<String>

    public init(
        limits: [String: RateLimit],
        classify: @escaping @Sendable (HTTPRequest.Method, String) -> String? = RateLimitConfiguration.defaultClassifier,
        maxTrackedUsers: Int = 100_000, exemptRoles: Set<String> = ["service"]
    ) {
        self.limits = limits
        self.classify = classify
        self.maxTrackedUsers = max(1, maxTrackedUsers)
        self.exemptRoles = exemptRoles
    }

    /// The default groups. `fleetWritesPerHour`: the marketplace's "Fleet operations 10/hour" (POST, PUT, PATCH,
    /// DELETE under `/api/fleet/`). `apiPerMinute`: every other `/api/` call (reads: vehicles, map, track,
    /// nearby; the marketplace sets no figure). `routingPerMinute`: `/api/routes/` and `/api/match/` (road routing and
    /// matching, the expensive ones; the marketplace sets no figure). 0 turns a group's limit off.
    public init(
        fleetWritesPerHour: Int = 10, apiPerMinute: Int = 120, routingPerMinute: Int = 30,
        maxTrackedUsers: Int = 100_000, exemptRoles: Set<String> = ["service"]
    ) {
        self.init(
            limits: [
                Self.fleetWriteGroup: .perHour(fleetWritesPerHour),
                Self.apiGroup: .perMinute(apiPerMinute),
                Self.routingGroup: .perMinute(routingPerMinute),
            ],
            maxTrackedUsers: maxTrackedUsers, exemptRoles: exemptRoles)
    }

    /// `fleet_write` for changes under `/api/fleet/`, `routing` for `/api/routes/` and `/api/match/`,
    /// `api` for the rest of `/api/`; nil (not limited) outside `/api/` (`/healthz`, `/metrics`).
    public static let defaultClassifier: @Sendable (HTTPRequest.Method, String) -> String? = { method, path in
        // The first two segments, read in place (empty ones skipped): this runs on every request.
        func segment(_ rest: Substring) -> (Substring, Substring) {
            let start = rest.drop { $0 == "/" }
            let segment = start.prefix { $0 != "/" }
            return (segment, start[segment.endIndex...])
        }
        let (first, rest) = segment(Substring(path))
        guard first == "api" else { return nil }
        let area = segment(rest).0
        switch area {
        case "fleet" where method != .get && method != .head: return RateLimitConfiguration.fleetWriteGroup
        case "routes", "match": return RateLimitConfiguration.routingGroup
        default: return RateLimitConfiguration.apiGroup
        }
    }
}
