import Foundation
import GeoFleetCore

/// A live event one node made (not a GPS update: those travel as positions), for the others' streams.
public struct RelayedEvent: Sendable, Equatable, JSONMessage {
    public var node: String
    /// `FleetEvent.Kind`'s raw value.
    public var kind: String
    public var userID: String
    public var vehicleID: UUID
    /// The event's `data`, as JSON text.
    public var data: String
    public var eventID: UUID?
    public var cargoID: String?

    public init(node: String, kind: String, userID: String, vehicleID: UUID, data: String, eventID: UUID?, cargoID: String?) {
        self.node = node
        self.kind = kind
        self.userID = userID
        self.vehicleID = vehicleID
        self.data = data
        self.eventID = eventID
        self.cargoID = cargoID
    }
}
