import Foundation
import GeoFleetCore
import GeoFleetPricing
import GeoFleetPricingService
import Hummingbird

/// `GET /api/cargo/{id}/cost-analysis` and `POST /api/cargo/{id}/quote-suggestion`: what a load costs
/// one of the caller's trucks, line by line, and what to quote for it.
struct CostAnalysisRoutes: Sendable {
    let deps: FleetAPIDependencies

    func register(on group: RouterGroup<APIRequestContext>) {
        group.get("cargo/:cargoId/cost-analysis", use: analysis)
        group.post("cargo/:cargoId/quote-suggestion", use: quote)
    }

    private func service() throws -> CostAnalysisService {
        guard let pricing = deps.pricing else { throw APIError(.serviceUnavailable, "cost analysis is not available on this node") }
        return pricing
    }

    /// The cargo id and the optional `vehicleId`, validated.
    private func target(_ request: Request, _ context: APIRequestContext) throws -> (cargo: String, vehicle: UUID?) {
        let cargo = try Validate.reference(try context.parameters.require("cargoId"), field: "cargo id")
        let vehicle = try request.uri.queryParameters.get("vehicleId").map { try Validate.uuid(String($0), field: "vehicleId") }
        return (cargo, vehicle)
    }

    static func mapped(_ failure: CostAnalysisService.Failure) -> APIError {
        switch failure {
        case .unknownCargo: return APIError.notFound(failure.description)
        case .unknownVehicle: return APIError.notFound("vehicle not found")
        case .noRoute(let message): return APIError(.unprocessableContent, message)
        }
    }

    @Sendable func analysis(request: Request, context: APIRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let service = try service()
        let (cargo, vehicle) = try target(request, context)
        let report: CostAnalysisService.Report
        do {
            report = try await service.analyse(cargoID: cargo, user: user.id, vehicleID: vehicle)
        } catch {
            throw Self.mapped(error)
        }
        var w = JSONWriter(capacity: 4096)
        w.beginObject()
        CostAnalysisJSON.write(report, into: &w)
        w.endObject()
        return JSONResponse.ok(w)
    }

    @Sendable func quote(request: Request, context: APIRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let service = try service()
        let (cargo, vehicle) = try target(request, context)
        let quote: CostAnalysisService.Quote
        do {
            quote = try await service.quote(cargoID: cargo, user: user.id, vehicleID: vehicle)
        } catch let failure as CostAnalysisService.Failure {
            throw Self.mapped(failure)
        }
        let s = quote.suggestion
        var w = JSONWriter(capacity: 2048)
        w.beginObject()
        w.key("cargoId")
        w.string(quote.report.cargo.id)
        w.key("suggestedPrice")
        w.string(s.suggestedPrice.decimalString)
        w.key("currency")
        w.string(s.suggestedPrice.currency.rawValue)
        w.key("confidence")
        w.string(s.confidence)
        w.key("reasoning")
        w.string(s.reasoning.joined(separator: "; "))
        w.key("comparableDeals")
        w.number(s.comparableDeals)
        w.key("costPlusPrice")
        w.string(s.costPlusPrice.decimalString)
        w.key("totalCost")
        w.string(quote.report.analysis.total.decimalString)
        w.key("marketWeight")
        w.string(Exact.string(s.marketWeight, places: 4))
        w.key("market")
        w.beginObject()
        for (name, q) in [("p25", 0.25), ("median", 0.5), ("p75", 0.75)] {
            w.key(escaping: name)
            if let value = s.market.quantile(q) { w.string(value.decimalString) } else { w.null() }
        }
        w.key("meanOffsetKm")
        w.number(s.market.meanOffsetKm, decimals: 1)
        w.key("byRadius")
        w.number(s.market.comparables.filter { $0.matchedBy == "radius" }.count)
        w.key("byCountries")
        w.number(s.market.comparables.filter { $0.matchedBy == "countries" }.count)
        w.endObject()
        w.key("steps")
        w.beginArray()
        for step in s.reasoning { w.string(step) }
        w.endArray()
        w.key("vehicleId")
        if let id = quote.report.vehicleID { w.string(id.apiText) } else { w.null() }
        w.endObject()
        return JSONResponse.ok(w)
    }
}
