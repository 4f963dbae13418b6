import Foundation
import GeoFleetCore

/// A cargo assigned to a vehicle, followed from its positions.
public struct Deal: Sendable, Equatable {
    public var cargoID: String
    public var owner: String
    public var vehicleKey: Int64
    public var vehicleID: UUID
    public var pickup: GeoPoint
    public var delivery: GeoPoint
    public var machine: DealMachine
    /// Share of the road distance covered, 0–100; never goes down.
    public var progress: Double = 0
    public var etaDelivery: Int64?
    /// Road distance pickup → delivery, once the router answered.
    public var routeMeters: Double?
    /// When progress and ETA were last computed.
    public var progressAt: Int64?
    /// ETA checkpoints already recorded (0 at departure, 1–3 at each quarter).
    public var checkpoints: Set<Int> = []
    /// False once the vehicle no longer carries it; the deal stays listable.
    public var active = true

    public var state: DealState { machine.state }
    /// Ids of the fences the deal makes (deterministic, so a replay makes the same ones).
    public var pickupFence: UUID { EventIdentity.id("deal-fence", cargoID, "pickup") }
    public var deliveryFence: UUID { EventIdentity.id("deal-fence", cargoID, "delivery") }

    public init(cargoID: String, owner: String, vehicleKey: Int64, vehicleID: UUID, pickup: GeoPoint, delivery: GeoPoint, assignedAt: Int64) {
        self.cargoID = cargoID
        self.owner = owner
        self.vehicleKey = vehicleKey
        self.vehicleID = vehicleID
        self.pickup = pickup
        self.delivery = delivery
        self.machine = DealMachine(assignedAt: assignedAt)
    }

    /// The `data` of a `deal_status_update` event; `change` is `state` for a step of the timeline,
    /// `progress` for new progress or ETA.
    public func eventData(change: String) -> String {
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.key("change")
        w.string(change)
        writeStatus(to: &w)
        w.endObject()
        return w.text
    }

    /// `GET /api/deals/{cargoId}/progress`.
    public var progressJSON: String {
        var w = JSONWriter(capacity: 512)
        w.beginObject()
        writeStatus(to: &w)
        w.key("routeDistanceMeters")
        if let routeMeters { w.number(routeMeters.rounded()) } else { w.null() }
        w.key("active")
        w.bool(active)
        w.key("timeline")
        w.beginArray()
        for step in machine.timeline {
            w.beginObject()
            w.key("state")
            w.string(step.state.rawValue)
            w.key("time")
            w.date(milliseconds: step.time)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.text
    }

    /// The fields events and the progress answer share.
    private func writeStatus(to w: inout JSONWriter) {
        w.key("cargoId")
        w.string(cargoID)
        w.key("vehicleId")
        w.string(vehicleID.uuidString.lowercased())
        w.key("state")
        w.string(state.rawValue)
        w.key("progress")
        w.number(progress, decimals: 1)
        w.key("etaDelivery")
        if let etaDelivery { w.date(milliseconds: etaDelivery) } else { w.null() }
    }
}
