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
    }

    /// Increases by one per event; a client resumes after the last one it saw.
    public var sequence: UInt64
    public var kind: Kind
    public var userID: String
    public var vehicleID: UUID
    /// The event's `data` object, as JSON.
    public var data: String

    public init(sequence: UInt64, kind: Kind, userID: String, vehicleID: UUID, data: String) {
        self.sequence = sequence
        self.kind = kind
        self.userID = userID
        self.vehicleID = vehicleID
        self.data = data
    }

    /// The marketplace's rooms: every event of a user, and every event of one vehicle.
    public var userRoom: String { "user_\(userID)" }
    public var vehicleRoom: String { "fleet_\(vehicleID.uuidString.lowercased())" }

    /// The JSON message sent on a WebSocket or a Redis channel.
    public func message(room: String) -> String {
        "{\"event\":\"\(kind.rawValue)\",\"room\":\(JSONText.quoted(room)),\"seq\":\(sequence),\"data\":\(data)}"
    }
}

extension FleetEvent {
    /// The `data` of a GPS update.
    static func gpsData(vehicleID: UUID, position p: Position) -> String {
        "{\"vehicleId\":\"\(vehicleID.uuidString.lowercased())\",\"lat\":\(p.latitude),\"long\":\(p.longitude),"
            + "\"timestamp\":\"\(UTCTime.iso8601(milliseconds: p.fixTime))\",\"speed\":\(p.speedKmh),\"heading\":\(p.heading),"
            + "\"source\":\"\(p.source.name)\"}"
    }

    /// The `data` of a status change.
    static func statusData(vehicleID: UUID, from: String, to: String, at time: Int64) -> String {
        "{\"vehicleId\":\"\(vehicleID.uuidString.lowercased())\",\"from\":\(JSONText.quoted(from)),\"to\":\(JSONText.quoted(to)),"
            + "\"timestamp\":\"\(UTCTime.iso8601(milliseconds: time))\"}"
    }
}
