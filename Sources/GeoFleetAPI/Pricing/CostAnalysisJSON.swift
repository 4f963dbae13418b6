import Foundation
import GeoFleetCore
import GeoFleetPricing
import GeoFleetPricingService

/// The cost analysis's JSON: `routeData`, `estimatedCosts` (amounts as decimal strings, with each line's
/// parts) and `profitAnalysis`.
enum CostAnalysisJSON {
    static func write(_ report: CostAnalysisService.Report, into w: inout JSONWriter) {
        let a = report.analysis
        w.key("cargoId")
        w.string(report.cargo.id)
        w.key("vehicleId")
        if let id = report.vehicleID { w.string(id.apiText) } else { w.null() }
        w.key("vehicleChoice")
        w.string(report.vehicleChoice)
        w.key("vehicleClass")
        w.string(report.vehicleClass)
        w.key("cached")
        w.bool(report.cached)
        w.key("routeData")
        routeData(a, &w)
        w.key("estimatedCosts")
        costs(a, weightKg: report.cargo.weightKg, &w)
        w.key("profitAnalysis")
        profit(report, &w)
    }

    static func leg(_ leg: TripLeg?, _ w: inout JSONWriter) {
        guard let leg else { return w.null() }
        w.beginObject()
        w.key("distanceMeters")
        w.number(leg.meters, decimals: 1)
        w.key("drivingSeconds")
        w.number(leg.drivingSeconds, decimals: 1)
        w.key("source")
        w.string(leg.source)
        w.key("tollDistanceMeters")
        if let composition = leg.composition { w.number(composition.tollMeters, decimals: 1) } else { w.null() }
        w.endObject()
    }

    static func routeData(_ a: CostAnalysis, _ w: inout JSONWriter) {
        w.beginObject()
        // The seed's names: metres and seconds with breaks and rests.
        w.key("distance")
        w.number(a.meters, decimals: 1)
        w.key("duration")
        w.number(a.elapsedSeconds, decimals: 1)
        w.key("distanceMeters")
        w.number(a.meters, decimals: 1)
        w.key("drivingSeconds")
        w.number(a.drivingSeconds, decimals: 1)
        w.key("durationWithBreaksSeconds")
        w.number(a.elapsedSeconds, decimals: 1)
        w.key("workSeconds")
        w.number(a.workSeconds, decimals: 1)
        w.key("handlingSeconds")
        w.number(a.handlingSeconds, decimals: 1)
        w.key("breaks")
        w.number(a.breaks)
        w.key("dailyRests")
        w.number(a.dailyRests)
        w.key("nightsAway")
        w.number(a.nightsAway)
        w.key("deadhead")
        leg(a.deadhead, &w)
        w.key("loaded")
        leg(a.loaded, &w)
        w.key("roadClasses")
        w.beginObject()
        for (name, share) in a.roadClassShares.sorted(by: { $0.key < $1.key }) {
            w.key(escaping: name)
            w.number(share, decimals: 4)
        }
        w.endObject()
        w.key("tollDistanceMeters")
        w.number(a.tollMeters, decimals: 1)
        w.key("tolls")
        w.beginArray()
        for toll in a.tolls {
            w.beginObject()
            w.key("country")
            if let country = toll.country { w.string(country) } else { w.null() }
            w.key("distanceMeters")
            w.number(toll.meters, decimals: 1)
            w.key("ratePerKm")
            w.string(Exact.string(toll.ratePerKm, places: 4))
            w.key("rateSource")
            w.string(toll.rateSource)
            w.key("amount")
            w.string(toll.amount.decimalString)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    static func costs(_ a: CostAnalysis, weightKg: Double, _ w: inout JSONWriter) {
        w.beginObject()
        for line in a.lines {
            w.key(escaping: line.item)
            w.string(line.amount.decimalString)
        }
        w.key("total")
        w.string(a.total.decimalString)
        w.key("currency")
        w.string(a.currency.rawValue)
        w.key("perKm")
        w.string(Exact.string(a.perKm, places: 4))
        w.key("perTonne")
        w.string(Exact.string(a.perTonne(weightKg: weightKg), places: 2))
        w.key("fuelLitres")
        w.string(Exact.string(a.fuelLitres, places: 3))
        w.key("lines")
        w.beginArray()
        for line in a.lines {
            w.beginObject()
            w.key("item")
            w.string(line.item)
            w.key("amount")
            w.string(line.amount.decimalString)
            w.key("parts")
            w.beginArray()
            for part in line.parts {
                w.beginObject()
                w.key("label")
                w.string(part.label)
                w.key("quantity")
                w.string(Exact.string(part.quantity, places: 4))
                w.key("unit")
                w.string(part.unit)
                w.key("rate")
                w.string(Exact.string(part.rate, places: 4))
                w.key("amount")
                w.string(part.amount.decimalString)
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    static func profit(_ report: CostAnalysisService.Report, _ w: inout JSONWriter) {
        let p = report.profit
        w.beginObject()
        w.key("price")
        if let price = report.price { w.string(price.decimalString) } else { w.null() }
        w.key("margin")
        if let margin = p.margin { w.string(Exact.string(margin, places: 4)) } else { w.null() }
        w.key("profit")
        if let profit = p.profit { w.string(profit.decimalString) } else { w.null() }
        w.key("recommendation")
        w.string(p.recommendation)
        w.key("confidence")
        w.string(p.confidence)
        w.key("breakEvenPrice")
        w.string(p.breakEvenPrice.decimalString)
        w.key("targetPrice")
        w.string(p.targetPrice.decimalString)
        w.key("notes")
        w.beginArray()
        for note in p.notes { w.string(note) }
        w.endArray()
        w.endObject()
    }
}
