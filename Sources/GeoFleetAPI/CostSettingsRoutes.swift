import Foundation
import GeoFleetCore
import GeoFleetMatching
import Hummingbird

/// `PUT`/`GET /api/settings/costs` (also at `/api/fleet/cost-settings`): the carrier's running costs
/// (the marketplace's CostSettings) that suggestions, cost analyses and quotes are priced with.
///
/// Each of the five rates is either a number in its usual unit (driver pay and insurance per hour;
/// fuel, maintenance and tolls per km) or `{perKm, perHour}`. The trip-costing figures are optional;
/// absent ones take their defaults (README, "Cost settings"). A PUT replaces the whole document.
struct CostSettingsRoutes: Sendable {
    let deps: FleetAPIDependencies

    func register(on group: RouterGroup<APIRequestContext>) {
        group.put("fleet/cost-settings", use: put)
        group.get("fleet/cost-settings", use: get)
        group.put("settings/costs", use: put)
        group.get("settings/costs", use: get)
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
        var currency: String?
        var eurToRon: Double?
        var fuelPricePerLitre: Double?
        var fuelConsumption: [String: CostSettings.Consumption]?
        var perDiemPerNight: Double?
        var vehicleCostPerDay: Double?
        var tollRates: [String: [String: Double]]?
        static let allowedKeys: Set<String> = [
            "driverPay", "fuel", "maintenance", "tolls", "insurance", "baseMargin", "currency", "eurToRon", "fuelPricePerLitre",
            "fuelConsumption", "perDiemPerNight", "vehicleCostPerDay", "tollRates",
        ]
        static let nestedAllowedKeys: [String: Set<String>] = [
            "driverPay": ["perKm", "perHour"], "fuel": ["perKm", "perHour"], "maintenance": ["perKm", "perHour"],
            "tolls": ["perKm", "perHour"], "insurance": ["perKm", "perHour"], "fuelConsumption": Set(vehicleClasses),
        ]
    }

    static let vehicleClasses = ["car", "van", "rigid", "articulated"]

    /// A number in `range`, or a 400 naming the field.
    static func checked(_ value: Double?, _ field: String, _ range: ClosedRange<Double>, _ unit: String = "") throws -> Double? {
        guard let value else { return nil }
        guard value.isFinite, range.contains(value) else {
            func text(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }
            throw APIError.badRequest("\(field) must be between \(text(range.lowerBound)) and \(text(range.upperBound))\(unit)")
        }
        return value
    }

    /// The body's trip-costing figures over the defaults, and which were given.
    static func tripFigures(_ body: Body, into settings: inout CostSettings) throws {
        var given: Set<String> = ["driverPay", "fuel", "maintenance", "tolls", "insurance"]
        if body.baseMargin != nil { given.insert("baseMargin") }
        if let currency = body.currency {
            guard ["EUR", "RON"].contains(currency.uppercased()) else { throw APIError.badRequest("currency must be EUR or RON") }
            settings.currency = currency.uppercased()
            given.insert("currency")
        }
        if let v = try checked(body.eurToRon, "eurToRon", 0.5...50, " RON per EUR") { settings.eurToRon = v; given.insert("eurToRon") }
        if let v = try checked(body.fuelPricePerLitre, "fuelPricePerLitre", 0.01...50) {
            settings.fuelPricePerLitre = v; given.insert("fuelPricePerLitre")
        }
        if let v = try checked(body.perDiemPerNight, "perDiemPerNight", 0...5_000) { settings.perDiemPerNight = v; given.insert("perDiemPerNight") }
        if let v = try checked(body.vehicleCostPerDay, "vehicleCostPerDay", 0...50_000) {
            settings.vehicleCostPerDay = v; given.insert("vehicleCostPerDay")
        }
        if let table = body.fuelConsumption {
            for (vehicleClass, c) in table {
                let field = "fuelConsumption.\(vehicleClass)"
                _ = try checked(c.empty, field + ".empty", 1...150, " l/100 km")
                _ = try checked(c.loaded, field + ".loaded", 1...150, " l/100 km")
                guard c.loaded >= c.empty else { throw APIError.badRequest("\(field).loaded must not be below \(field).empty") }
                settings.fuelConsumption[vehicleClass] = c
            }
            given.insert("fuelConsumption")
        }
        if let rates = body.tollRates {
            guard rates.count <= 60 else { throw APIError.badRequest("tollRates may name at most 60 countries") }
            var checkedRates: [String: [String: Double]] = [:]
            for (country, byClass) in rates {
                let code = try Validate.country(country, field: "tollRates key \"\(country.prefix(8))\"")
                for (vehicleClass, rate) in byClass {
                    guard vehicleClasses.contains(vehicleClass) else {
                        throw APIError.badRequest("tollRates.\(code) keys must be vehicle classes: \(vehicleClasses.joined(separator: ", "))")
                    }
                    checkedRates[code, default: [:]][vehicleClass] = try checked(rate, "tollRates.\(code).\(vehicleClass)", 0...100, " per km")
                }
            }
            settings.tollRates = checkedRates
            given.insert("tollRates")
        }
        settings.explicitFields = given
    }

    @Sendable func put(request: Request, context: APIRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let body = try await request.decodeStrict(Body.self, context: context)
        if let margin = body.baseMargin, !(margin.isFinite && (0...10).contains(margin)) {
            throw APIError.badRequest("baseMargin must be between 0 and 10 (0.1 is 10 %)")
        }
        var settings = CostSettings(
            driverPay: try body.driverPay.rate(field: "driverPay", perHourByDefault: true),
            fuel: try body.fuel.rate(field: "fuel", perHourByDefault: false),
            maintenance: try body.maintenance.rate(field: "maintenance", perHourByDefault: false),
            tolls: try body.tolls.rate(field: "tolls", perHourByDefault: false),
            insurance: try body.insurance.rate(field: "insurance", perHourByDefault: true),
            baseMargin: body.baseMargin ?? 0.1)
        try Self.tripFigures(body, into: &settings)
        try await deps.matching.setCostSettings(settings, user: user.id)
        return JSONResponse.success { w in
            w.key("totalBaseCost")
            Self.total(settings, &w)
        }
    }

    @Sendable func get(request: Request, context: APIRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let (s, isDefault) = deps.matching.costSettings(user: user.id)
        var w = JSONWriter(capacity: 1024)
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
        w.key("currency")
        w.string(s.currency)
        w.key("eurToRon")
        w.number(s.eurToRon)
        w.key("fuelPricePerLitre")
        w.number(s.fuelPricePerLitre)
        w.key("fuelConsumption")
        w.beginObject()
        for (vehicleClass, c) in s.fuelConsumption.sorted(by: { $0.key < $1.key }) {
            w.key(escaping: vehicleClass)
            w.beginObject()
            w.key("empty")
            w.number(c.empty)
            w.key("loaded")
            w.number(c.loaded)
            w.endObject()
        }
        w.endObject()
        w.key("perDiemPerNight")
        w.number(s.perDiemPerNight)
        w.key("vehicleCostPerDay")
        w.number(s.vehicleCostPerDay)
        w.key("tollRates")
        w.beginObject()
        for (country, byClass) in s.tollRates.sorted(by: { $0.key < $1.key }) {
            w.key(escaping: country)
            w.beginObject()
            for (vehicleClass, rate) in byClass.sorted(by: { $0.key < $1.key }) {
                w.key(escaping: vehicleClass)
                w.number(rate)
            }
            w.endObject()
        }
        w.endObject()
        w.key("defaults")
        w.beginArray()
        for field in Body.allowedKeys.sorted() where isDefault || !s.explicitFields.contains(field) { w.string(field) }
        w.endArray()
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
