import Foundation
import GeoFleetCore
import GeoFleetMatching

/// The JSON of matching's answers, shared by the API and the live feed so both show one shape.
public enum MatchJSON {
    /// A number rounded to `places` decimals, as JSON.
    static func number(_ value: Double, _ places: Int = 2) -> String {
        guard value.isFinite else { return "null" }
        let scale = pow(10, Double(places))
        let rounded = (value * scale).rounded() / scale
        return rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int64(rounded)) : String(rounded)
    }

    static func optional(_ value: Double?, _ places: Int = 2) -> String {
        value.map { number($0, places) } ?? "null"
    }

    static func time(_ ms: Int64?) -> String {
        ms.map { "\"\(UTCTime.iso8601(milliseconds: $0))\"" } ?? "null"
    }

    /// One direction-1 candidate (CONTRACT's fields first).
    public static func candidate(_ c: VehicleCandidate) -> String {
        var out = "{\"vehicleId\":\"\(c.vehicleID.uuidString.lowercased())\",\"fits\":\(c.fits),\"reasons\":["
        out += c.reasons.map { JSONText.quoted($0.text) }.joined(separator: ",")
        out += "],\"roadDistanceKm\":\(optional(c.roadDistanceKm, 1)),\"etaMinutes\":\(optional(c.etaMinutes, 0))"
        out += ",\"deadheadKm\":\(optional(c.deadheadKm, 1)),\"loadedKm\":\(optional(c.loadedKm, 1))"
        out += ",\"score\":\(number(c.score, 1)),\"confidence\":\"\(c.confidence.rawValue)\""
        out += ",\"arrival\":\(time(c.arrival)),\"distanceSource\":\(c.distanceSource.map { "\"\($0)\"" } ?? "null")"
        out += ",\"straightLineKm\":\(optional(c.straightLineKm, 1)),\"positionAgeMinutes\":\(optional(c.positionAgeMinutes, 0))"
        out += ",\"positionSource\":\(c.positionSource.map { "\"\($0)\"" } ?? "null")}"
        return out
    }

    /// One direction-2 suggestion with its numbers.
    public static func suggestion(_ s: CargoSuggestion) -> String {
        let e = s.economics
        var out = "{\"id\":\"\(s.id.uuidString.lowercased())\",\"vehicleId\":\"\(s.vehicleID.uuidString.lowercased())\""
        out += ",\"cargoId\":\(JSONText.quoted(s.cargoID)),\"revenue\":\(number(e.revenue)),\"cost\":\(number(e.cost))"
        out += ",\"profit\":\(number(e.profit)),\"profitPerHour\":\(number(e.profitPerHour)),\"hours\":\(number(e.hours))"
        out += ",\"deadheadKm\":\(number(e.deadheadKm, 1)),\"loadedKm\":\(number(e.loadedKm, 1))"
        out += ",\"score\":\(number(s.score)),\"confidence\":\"\(s.confidence.rawValue)\",\"pickupEta\":\(time(s.arrival))"
        out += ",\"distanceSource\":\"\(s.distanceSource)\"}"
        return out
    }

    /// One marketplace carrier: rounded distance and confidence, nothing else.
    public static func carrier(_ c: CarrierMatch) -> String {
        "{\"distanceKm\":\(c.distanceKm),\"confidence\":\"\(c.confidence.rawValue)\"}"
    }
}
