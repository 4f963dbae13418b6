import Foundation
import GeoFleetCore
import GeoFleetMatchService
import GeoFleetMatching
import Hummingbird

/// `/api/match/*`: vehicles for a load (or carriers in the marketplace), loads for a
/// vehicle or the whole fleet, feedback on suggestions, and the marketplace opt-in.
struct MatchRoutes: Sendable {
    let deps: FleetAPIDependencies

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post("match/cargo", use: matchCargo)
        group.get("match/vehicles/:id/cargo", use: vehicleCargo)
        group.post("match/fleet", use: fleet)
        group.post("match/feedback", use: feedback)
        group.put("match/marketplace", use: marketplace)
    }

    struct MatchCargoBody: StrictBody {
        var cargoId: String?
        var cargo: CargoBody?
        var scope: String?
        var limit: Int?
        static let allowedKeys: Set<String> = ["cargoId", "cargo", "scope", "limit"]
    }

    static func limit(_ value: Int?, default fallback: Int, max: Int, field: String = "limit") throws -> Int {
        guard let value else { return fallback }
        guard (1...max).contains(value) else { throw APIError.badRequest("\(field) must be between 1 and \(max)") }
        return value
    }

    @Sendable func matchCargo(request: Request, context: APIRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let body = try await request.decodeStrict(MatchCargoBody.self, context: context)
        let cargo: Cargo
        switch (body.cargoId, body.cargo) {
        case (let id?, nil):
            let id = try Validate.reference(id, field: "cargoId")
            guard let known = deps.matching.cargo.cargo(id: id) else { throw APIError.notFound("no open cargo \(id)") }
            cargo = known
        case (nil, let inline?):
            // A made-up pickup anywhere would let a caller bisect where other carriers' trucks are.
            guard body.scope != "marketplace" else {
                throw APIError.badRequest("scope marketplace takes the cargoId of an open load, not an inline cargo")
            }
            cargo = try inline.validated(id: "inline", field: "cargo.", now: deps.now())
        default:
            throw APIError.badRequest("give either cargoId or cargo, not both and not neither")
        }
        let limit = try Self.limit(body.limit, default: 50, max: 200)
        switch body.scope ?? "fleet" {
        case "fleet":
            let (candidates, loadedKm) = await deps.matching.vehicles(for: cargo, user: user.id, limit: limit)
            var w = JSONWriter(capacity: 64 + candidates.count * 400)
            w.beginObject()
            w.key("cargoId")
            if let id = body.cargoId { w.string(id) } else { w.null() }
            w.key("loadedKm")
            if let loadedKm { w.number(loadedKm, decimals: 1) } else { w.null() }
            w.key("candidates")
            MatchJSON.candidates(candidates, to: &w)
            w.endObject()
            return JSONResponse.ok(w)
        case "marketplace":
            let carriers = await deps.matching.carriers(for: cargo, caller: user.id, limit: limit)
            var w = JSONWriter(capacity: 16 + carriers.count * 48)
            w.beginObject()
            w.key("carriers")
            MatchJSON.carriers(carriers, to: &w)
            w.endObject()
            return JSONResponse.ok(w)
        default:
            throw APIError.badRequest("scope must be fleet or marketplace")
        }
    }

    @Sendable func vehicleCargo(request: Request, context: APIRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try Validate.uuid(try context.parameters.require("id"), field: "vehicle id")
        let limit = try Self.limit(
            request.uri.queryParameters.get("limit").map { raw in
                guard let n = Int(raw) else { throw APIError.badRequest("limit must be between 1 and 100") }
                return n
            }, default: 10, max: 100)
        guard let entry = deps.catalog.entries(owner: user.id).first(where: { $0.id == id }) else {
            throw APIError.notFound("vehicle not found")
        }
        let suggestions = await deps.matching.suggestions(for: [entry], user: user.id, limitPerVehicle: limit, limit: limit)
        var w = JSONWriter(capacity: 64 + suggestions.count * 400)
        w.beginObject()
        w.key("vehicleId")
        w.string(id.uuidString.lowercased())
        w.key("suggestions")
        MatchJSON.suggestions(suggestions, to: &w)
        w.endObject()
        return JSONResponse.ok(w)
    }

    struct FleetBody: StrictBody {
        var vehicleIds: [String]?
        var limit: Int?
        var perVehicle: Int?
        static let allowedKeys: Set<String> = ["vehicleIds", "limit", "perVehicle"]
    }

    @Sendable func fleet(request: Request, context: APIRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let body = try await request.decodeStrict(FleetBody.self, context: context)
        let limit = try Self.limit(body.limit, default: 100, max: 1000)
        let perVehicle = try Self.limit(body.perVehicle, default: 5, max: 50, field: "perVehicle")
        var entries = deps.catalog.entries(owner: user.id)
        if let ids = body.vehicleIds {
            let wanted = Set(try ids.map { try Validate.uuid($0, field: "vehicleIds[]") })
            entries = entries.filter { wanted.contains($0.id) }
            guard entries.count == wanted.count else { throw APIError.notFound("vehicle not found") }
        }
        let suggestions = await deps.matching.suggestions(for: entries, user: user.id, limitPerVehicle: perVehicle, limit: limit)
        var w = JSONWriter(capacity: 64 + suggestions.count * 400)
        w.beginObject()
        w.key("vehicles")
        w.number(entries.count)
        w.key("suggestions")
        MatchJSON.suggestions(suggestions, to: &w)
        w.endObject()
        return JSONResponse.ok(w)
    }

    struct FeedbackBody: StrictBody {
        var suggestionId: String
        var feedbackType: String
        var notes: String?
        static let allowedKeys: Set<String> = ["suggestionId", "feedbackType", "notes"]
    }

    @Sendable func feedback(request: Request, context: APIRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let body = try await request.decodeStrict(FeedbackBody.self, context: context)
        let id = try Validate.uuid(body.suggestionId, field: "suggestionId")
        guard body.feedbackType == "up" || body.feedbackType == "down" else { throw APIError.badRequest("feedbackType must be up or down") }
        if let notes = body.notes { _ = try Validate.address(notes, field: "notes") }
        do {
            let preference = try await deps.matching.feedback(user: user.id, suggestionID: id, up: body.feedbackType == "up")
            return JSONResponse.success { w in
                w.key("deadheadWeight")
                w.number(preference.deadheadPenalty, paddedDecimals: 3)
                w.key("feedbackCount")
                w.number(preference.feedbackCount)
            }
        } catch let error as MatchError {
            throw APIError.notFound(error.description)
        }
    }

    struct MarketplaceBody: StrictBody {
        var optIn: Bool
        static let allowedKeys: Set<String> = ["optIn"]
    }

    @Sendable func marketplace(request: Request, context: APIRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let body = try await request.decodeStrict(MarketplaceBody.self, context: context)
        try await deps.matching.setMarketplaceOptIn(body.optIn, user: user.id)
        return JSONResponse.success { w in
            w.key("optIn")
            w.bool(body.optIn)
        }
    }
}
