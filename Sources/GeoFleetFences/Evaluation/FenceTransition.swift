import Foundation
import GeoFleetCore

/// What a fix caused.
public struct FenceTransition: Sendable, Equatable {
    /// The event type, spelled as the event stream names it.
    public enum Kind: String, Sendable {
        case enter = "geofence_enter"
        case exit = "geofence_exit"
        case dwell = "geofence_dwell"
        case overspeed = "overspeed"
    }

    public var kind: Kind
    public var fenceID: UUID
    /// ms since epoch of the fix that caused it (for crossing: the interpolated time).
    public var time: Int64
    /// Where.
    public var point: GeoPoint
    /// Overspeed: the speed; nil otherwise.
    public var speedKmh: Double?

    public init(kind: Kind, fenceID: UUID, time: Int64, point: GeoPoint, speedKmh: Double? = nil) {
        self.kind = kind
        self.fenceID = fenceID
        self.time = time
        self.point = point
        self.speedKmh = speedKmh
    }
}
