import HTTPTypes

/// The audit's name for each write route, and the routes that only read (POST queries) it skips.
enum AuditActions {
    /// Keyed by method and Hummingbird's endpoint path (`/api/fleet/vehicles/{id}`).
    static let names: [String: String] = [
        "POST /api/fleet/add": "vehicle.create",
        "PUT /api/fleet/vehicles/{id}": "vehicle.update",
        "DELETE /api/fleet/vehicles/{id}": "vehicle.delete",
        "PUT /api/fleet/vehicles/{id}/position": "vehicle.position",
        "DELETE /api/fleet/vehicles/{id}/history": "history.erase",
        "PUT /api/fleet/cost-settings": "cost_settings.update",
        "PUT /api/cargo/{cargoId}": "cargo.put",
        "DELETE /api/cargo/{cargoId}": "cargo.delete",
        "POST /api/geofences": "geofence.create",
        "PUT /api/geofences/{id}": "geofence.update",
        "DELETE /api/geofences/{id}": "geofence.delete",
        "POST /api/webhooks": "webhook.create",
        "DELETE /api/webhooks/{id}": "webhook.delete",
        "POST /api/match/feedback": "match.feedback",
        "PUT /api/match/marketplace": "match.marketplace",
        "POST /api/privacy/exports": "export.create",
        "POST /api/devices/claim": "device.claim",
        "POST /api/devices/claim-codes": "device.claim_code",
    ]

    /// POST routes that compute an answer and change nothing.
    static let queries: Set<String> = [
        "POST /api/routes/estimate", "POST /api/routes/matrix", "POST /api/match/cargo", "POST /api/match/fleet",
    ]

    /// Methods that may change something.
    static func isWrite(_ method: HTTPRequest.Method) -> Bool {
        method != .get && method != .head && method != .options
    }

    /// The action for a route: its name, or `METHOD path` for a write route not listed (still recorded).
    static func action(method: HTTPRequest.Method, endpoint: String?) -> String? {
        let key = "\(method.rawValue) \(endpoint ?? "?")"
        if queries.contains(key) { return nil }
        return names[key] ?? key
    }

    /// `vehicle:<id>` style target from the route's path parameter, when the route names one.
    static func target(endpoint: String?, parameters: [String: String]) -> String? {
        guard let endpoint else { return nil }
        let resource: String
        if endpoint.hasPrefix("/api/fleet/vehicles/") {
            resource = "vehicle"
        } else if endpoint.hasPrefix("/api/cargo/") {
            resource = "cargo"
        } else if endpoint.hasPrefix("/api/geofences/") {
            resource = "geofence"
        } else if endpoint.hasPrefix("/api/webhooks/") {
            resource = "webhook"
        } else {
            return nil
        }
        guard let id = parameters["id"] ?? parameters["cargoId"] else { return nil }
        return "\(resource):\(id.lowercased())"
    }
}
