import Foundation
import GeoFleetCore

/// One event of the live stream (`/api/stream`) and of the Redis channels, with the marketplace's event names.
public struct FleetEvent: Sendable, Equatable {
    /// What happened.
    public enum Kind: String, Sendable {
        /// A vehicle's newest position changed (`fleet_gps_update`).
        case gpsUpdate = "fleet_gps_update"
        /// A vehicle's status changed (`fleet_status_change`).
        case statusChange = "fleet_status_change"
        /// New cargo suggestions for a vehicle (`agent_suggestion_new`).
        case suggestion = "agent_suggestion_new"
        /// A vehicle entered a geofence.
        case geofenceEnter = "geofence_enter"
        /// A vehicle left a geofence.
        case geofenceExit = "geofence_exit"
        /// A vehicle stayed in a geofence for its dwell time.
        case geofenceDwell = "geofence_dwell"
        /// A vehicle went faster than a geofence's speed limit inside it.
        case overspeed = "overspeed"
        /// A deal's state, progress or ETA changed (`deal_status_update`).
        case dealStatus = "deal_status_update"
    }

    /// Increases by one per event; a client resumes after the last one it saw.
    public var sequence: UInt64
    public var kind: Kind
    public var userID: String
    public var vehicleID: UUID
    /// The event's `data` object, as JSON.
    public var data: String
    /// The durable event's id (`/api/events`, webhooks' `X-GeoFleet-Event-Id`); nil for live-only events.
    public var eventID: UUID?
    /// The deal's cargo, for deal events (room `deal_{cargoId}`).
    public var cargoID: String?

    public init(sequence: UInt64, kind: Kind, userID: String, vehicleID: UUID, data: String, eventID: UUID? = nil, cargoID: String? = nil) {
        self.sequence = sequence
        self.kind = kind
        self.userID = userID
        self.vehicleID = vehicleID
        self.data = data
        self.eventID = eventID
        self.cargoID = cargoID
    }

    /// The marketplace's rooms: every event of a user, every event of one vehicle, and of one deal.
    public var userRoom: String { "user_\(userID)" }
    public var vehicleRoom: String { "fleet_\(vehicleID.uuidString.lowercased())" }
    public var dealRoom: String? { cargoID.map { "deal_\($0)" } }

    /// The JSON message sent on a Redis channel, or with `resume` (where a reconnecting client picks
    /// up) on a WebSocket.
    public func message(room: String, resume: UInt64? = nil) -> String {
        var w = JSONWriter(capacity: 64 + room.utf8.count + data.utf8.count)
        w.beginObject()
        w.key("event")
        w.string(kind.rawValue)
        w.key("room")
        w.string(room)
        w.key("seq")
        w.number(sequence)
        if let eventID {
            w.key("id")
            w.string(eventID.uuidString.lowercased())
        }
        if let resume {
            w.key("resume")
            w.number(resume)
        }
        w.key("data")
        w.json(data)
        w.endObject()
        return w.text
    }
}

extension FleetEvent {
    /// The `data` of a GPS update.
    static func gpsData(vehicleID: UUID, position p: Position) -> String {
        var w = JSONWriter(capacity: 192)
        w.beginObject()
        writePosition(
            vehicleId: vehicleID.uuidString.lowercased(), latitude: p.latitude, longitude: p.longitude, fixTime: p.fixTime,
            speedKmh: p.speedKmh, heading: p.heading, source: p.source, to: &w)
        w.endObject()
        return w.text
    }

    /// A vehicle's position as a GPS update and the live map (`/api/map/gps`) show it: the fields only,
    /// so the map can add its own before closing the object.
    public static func writePosition(
        vehicleId: String, latitude: Double, longitude: Double, fixTime: Int64, speedKmh: Double, heading: Double,
        source: PositionSource, to w: inout JSONWriter
    ) {
        w.key("vehicleId")
        w.string(vehicleId)
        w.key("lat")
        w.number(latitude)
        w.key("long")
        w.number(longitude)
        w.key("timestamp")
        w.date(milliseconds: fixTime)
        w.key("speed")
        w.number(speedKmh)
        w.key("heading")
        w.number(heading)
        w.key("source")
        w.string(source.name)
    }

    /// The `data` of a status change; `field` names what changed when it is not the vehicle's status
    /// (`connectivity`), `from` is nil when nothing was known before.
    public static func statusData(vehicleID: UUID, field: String? = nil, from: String?, to: String, at time: Int64) -> String {
        vehicleData(vehicleID) { w in
            if let field {
                w.key("field")
                w.string(field)
            }
            w.key("from")
            if let from { w.string(from) } else { w.null() }
            w.key("to")
            w.string(to)
            w.key("timestamp")
            w.date(milliseconds: time)
        }
    }

    /// What a kept GPS update's `data` becomes once the vehicle's history was erased.
    static func erasedData(vehicleID: UUID) -> String {
        vehicleData(vehicleID) { w in
            w.key("erased")
            w.bool(true)
        }
    }

    /// `{"vehicleId": …}` with the fields `rest` adds.
    static func vehicleData(_ vehicleID: UUID, _ rest: (inout JSONWriter) -> Void) -> String {
        var w = JSONWriter(capacity: 128)
        w.beginObject()
        w.key("vehicleId")
        w.string(vehicleID.uuidString.lowercased())
        rest(&w)
        w.endObject()
        return w.text
    }
}
