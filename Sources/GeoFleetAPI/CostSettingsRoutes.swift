import Foundation
import GeoFleetCore
import GeoFleetMatching
import Hummingbird

/// `PUT /api/fleet/cost-settings` and `GET /api/fleet/cost-settings`: the carrier's running costs
/// (the marketplace's CostSettings) that the loads suggested for a vehicle are priced with.
///
/// Each item is either a number in its usual unit (driver pay and insurance per hour; fuel,
/// maintenance and tolls per km) or `{perKm, perHour}`.
struct CostSettingsRoutes: Sendable {
    let deps: FleetAPIDependencies

    func register(on group: RouterGroup<APIRequestContext>) {
        group.put("fleet/cost-settings", use: put)
        group.get("fleet/cost-settings", use: get)
    }

    /// A number, or `{perKm, perHour}`.
    enum RateValue: Decodable {
        case amount(Double)
        case rate(perKm: Double?, perHour: Double?)

        private enum Keys: String, CodingKey { case perKm, perHour }

        init(from decoder: any Decoder) throws {
            if let single = try? decoder.singleValueContainer(), let value = try? single.decode(Double.self) {
                self = .amount(value)
                return
            }
            let c = try decoder.container(keyedBy: Keys.self)
            self = .rate(perKm: try c.decodeIfPresent(Double.self, forKey: .perKm), perHour: try c.decodeIfPresent(Double.self, forKey: .perHour))
        }

        func rate(field: String, perHourByDefault: Bool) throws -> CostSettings.Rate {
            func checked(_ v: Double, _ name: String) throws -> Double {
                guard v.isFinite, (0...10_000).contains(v) else { throw APIError.badRequest("\(name) must be between 0 and 10000") }
                return v
            }
            switch self {
            case .amount(let v):
                let v = try checked(v, field)
                return perHourByDefault ? .init(perHour: v) : .init(perKm: v)
            case .rate(let km, let hour):
                return .init(perKm: try checked(km ?? 0, "\(field).perKm"), perHour: try checked(hour ?? 0, "\(field).perHour"))
            }
        }
    }

    struct Body: StrictBody {
        var driverPay: RateValue
        var fuel: RateValue
        var maintenance: RateValue
        var tolls: RateValue
        var insurance: RateValue
        var baseMargin: Double?
        static let allowedKeys: Set<String> = ["driverPay", "fuel", "maintenance", "tolls", "insurance", "baseMargin"]
        static let nestedAllowedKeys: [String: Set<String>] = [
            "driverPay": ["perKm", "perHour"], "fuel": ["perKm", "perHour"], "maintenance": ["perKm", "perHour"],
            "tolls": ["perKm", "perHour"], "insurance": ["perKm", "perHour"],
        ]
    }

    @Sendable func put(request: Request, context: APIRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let body = try await request.decodeStrict(Body.self, context: context)
        if let margin = body.baseMargin, !(margin.isFinite && (0...10).contains(margin)) {
            throw APIError.badRequest("baseMargin must be between 0 and 10 (0.1 is 10 %)")
        }
        let settings = CostSettings(
            driverPay: try body.driverPay.rate(field: "driverPay", perHourByDefault: true),
            fuel: try body.fuel.rate(field: "fuel", perHourByDefault: false),
            maintenance: try body.maintenance.rate(field: "maintenance", perHourByDefault: false),
            tolls: try body.tolls.rate(field: "tolls", perHourByDefault: false),
            insurance: try body.insurance.rate(field: "insurance", perHourByDefault: true),
            baseMargin: body.baseMargin ?? 0.1)
        try await deps.matching.setCostSettings(settings, user: user.id)
        return JSONResponse.success { w in
            w.key("totalBaseCost")
            Self.total(settings, &w)
        }
    }

    @Sendable func get(request: Request, context: APIRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let (s, isDefault) = deps.matching.costSettings(user: user.id)
        var w = JSONWriter(capacity: 384)
        func rate(_ r: CostSettings.Rate) {
            w.beginObject()
            w.key("perKm")
            w.number(r.perKm)
            w.key("perHour")
            w.number(r.perHour)
            w.endObject()
        }
        w.beginObject()
        w.key("driverPay")
        rate(s.driverPay)
        w.key("fuel")
        rate(s.fuel)
        w.key("maintenance")
        rate(s.maintenance)
        w.key("tolls")
        rate(s.tolls)
        w.key("insurance")
        rate(s.insurance)
        w.key("baseMargin")
        w.number(s.baseMargin)
        w.key("totalBaseCost")
        Self.total(s, &w)
        w.key("isDefault")
        w.bool(isDefault)
        w.endObject()
        return JSONResponse.ok(w)
    }

    /// The summed rates: per km to four decimals, per hour to two, all places written.
    static func total(_ s: CostSettings, _ w: inout JSONWriter) {
        w.beginObject()
        w.key("perKm")
        w.number(s.perKm, paddedDecimals: 4)
        w.key("perHour")
        w.number(s.perHour, paddedDecimals: 2)
        w.endObject()
    }
}
