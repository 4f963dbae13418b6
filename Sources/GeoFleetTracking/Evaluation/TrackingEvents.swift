import Foundation
import GeoFleetCore
import GeoFleetEvents
import GeoFleetFences

/// The durable events the evaluator makes from fence transitions and deal steps.
enum TrackingEvents {
    static func fence(_ t: FenceTransition, vehicleKey: Int64, vehicleID: UUID, owner: String, name: String?, cargoID: String?) -> EventRecord {
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.key("vehicleId")
        w.string(vehicleID.uuidString.lowercased())
        w.key("geofenceId")
        w.string(t.fenceID.uuidString.lowercased())
        if let name {
            w.key("name")
            w.string(name)
        }
        w.key("lat")
        w.number(t.point.latitude, decimals: 6)
        w.key("long")
        w.number(t.point.longitude, decimals: 6)
        if let speed = t.speedKmh {
            w.key("speed")
            w.number(speed, decimals: 1)
        }
        w.key("timestamp")
        w.date(milliseconds: t.time)
        w.endObject()
        return EventRecord(
            id: EventIdentity.id(t.kind.rawValue, String(vehicleKey), t.fenceID.uuidString, String(t.time)), type: t.kind.rawValue,
            userID: owner, vehicleID: vehicleID, time: t.time, geofenceID: t.fenceID, cargoID: cargoID, data: w.text)
    }

    static func deal(_ deal: Deal, step: DealMachine.Step) -> EventRecord {
        EventRecord(
            id: EventIdentity.id("deal_status_update", deal.cargoID, step.state.rawValue, String(step.time)), type: "deal_status_update",
            userID: deal.owner, vehicleID: deal.vehicleID, time: step.time, geofenceID: nil, cargoID: deal.cargoID,
            data: deal.eventData(change: "state"))
    }
}

extension TrackingEvents {
    /// A `deal_status_update` for new progress or ETA (same state).
    static func progress(_ deal: Deal, at time: Int64) -> EventRecord {
        EventRecord(
            id: EventIdentity.id("deal_progress", deal.cargoID, String(time)), type: "deal_status_update", userID: deal.owner,
            vehicleID: deal.vehicleID, time: time, geofenceID: nil, cargoID: deal.cargoID, data: deal.eventData(change: "progress"))
    }
}
