import Foundation
import GeoFleetCore
import GeoFleetMatching

/// The JSON of matching's answers, shared by the API and the live feed so both show one shape.
///
/// Numbers are rounded to what a person reads: money and hours to two decimals, kilometres to one, minutes to none.
public enum MatchJSON {
    /// One candidate vehicle for a load (the contract's fields first).
    public static func candidate(_ c: VehicleCandidate, to w: inout JSONWriter) {
        w.beginObject()
        w.key("vehicleId")
        w.string(c.vehicleID.uuidString.lowercased())
        w.key("fits")
        w.bool(c.fits)
        w.key("reasons")
        w.beginArray()
        for reason in c.reasons { w.string(reason.text) }
        w.endArray()
        w.key("roadDistanceKm")
        optional(c.roadDistanceKm, 1, &w)
        w.key("etaMinutes")
        optional(c.etaMinutes, 0, &w)
        w.key("deadheadKm")
        optional(c.deadheadKm, 1, &w)
        w.key("loadedKm")
        optional(c.loadedKm, 1, &w)
        w.key("score")
        w.number(c.score, decimals: 1)
        w.key("confidence")
        w.string(c.confidence.rawValue)
        w.key("arrival")
        if let arrival = c.arrival { w.date(milliseconds: arrival) } else { w.null() }
        w.key("distanceSource")
        optional(c.distanceSource, &w)
        w.key("straightLineKm")
        optional(c.straightLineKm, 1, &w)
        w.key("positionAgeMinutes")
        optional(c.positionAgeMinutes, 0, &w)
        w.key("positionSource")
        optional(c.positionSource, &w)
        w.endObject()
    }

    /// One load suggested for a vehicle, with its numbers.
    public static func suggestion(_ s: CargoSuggestion, to w: inout JSONWriter) {
        let e = s.economics
        w.beginObject()
        w.key("id")
        w.string(s.id.uuidString.lowercased())
        w.key("vehicleId")
        w.string(s.vehicleID.uuidString.lowercased())
        w.key("cargoId")
        w.string(s.cargoID)
        w.key("revenue")
        w.number(e.revenue, decimals: 2)
        w.key("cost")
        w.number(e.cost, decimals: 2)
        w.key("profit")
        w.number(e.profit, decimals: 2)
        w.key("profitPerHour")
        w.number(e.profitPerHour, decimals: 2)
        w.key("hours")
        w.number(e.hours, decimals: 2)
        w.key("deadheadKm")
        w.number(e.deadheadKm, decimals: 1)
        w.key("loadedKm")
        w.number(e.loadedKm, decimals: 1)
        w.key("score")
        w.number(s.score, decimals: 2)
        w.key("confidence")
        w.string(s.confidence.rawValue)
        w.key("pickupEta")
        w.date(milliseconds: s.arrival)
        w.key("distanceSource")
        w.string(s.distanceSource)
        w.endObject()
    }

    public static func candidates(_ list: [VehicleCandidate], to w: inout JSONWriter) { array(list, candidate, &w) }
    public static func suggestions(_ list: [CargoSuggestion], to w: inout JSONWriter) { array(list, suggestion, &w) }
    public static func carriers(_ list: [CarrierMatch], to w: inout JSONWriter) { array(list, carrier, &w) }

    static func array<T>(_ list: [T], _ write: (T, inout JSONWriter) -> Void, _ w: inout JSONWriter) {
        w.beginArray()
        for item in list { write(item, &w) }
        w.endArray()
    }

    /// One marketplace carrier: rounded distance and confidence, nothing else.
    public static func carrier(_ c: CarrierMatch, to w: inout JSONWriter) {
        w.beginObject()
        w.key("distanceKm")
        w.number(c.distanceKm)
        w.key("confidence")
        w.string(c.confidence.rawValue)
        w.endObject()
    }

    static func optional(_ value: Double?, _ decimals: Int, _ w: inout JSONWriter) {
        if let value { w.number(value, decimals: decimals) } else { w.null() }
    }

    static func optional(_ value: String?, _ w: inout JSONWriter) {
        if let value { w.string(value) } else { w.null() }
    }
}
