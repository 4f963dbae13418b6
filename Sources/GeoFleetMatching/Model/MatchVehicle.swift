import Foundation
import GeoFleetCore

/// What matching needs to know of one vehicle: its static data and where it was last seen.
public struct MatchVehicle: Sendable, Equatable {
    public var key: Int64
    public var id: UUID
    public var owner: String
    public var type: String
    public var capacityWeightKg: Double
    public var capacityVolumeM3: Double
    public var status: String
    /// The cargo it carries now; a vehicle with one is not free.
    public var assignedCargoID: String?
    /// Its latest position; nil when it never reported one.
    public var position: GeoPoint?
    public var fixTime: Int64?
    public var source: PositionSource?
    /// Driving done today and since the last break, estimated from its track.
    public var driver: DrivingTimeRules.DriverState

    public init(
        key: Int64, id: UUID, owner: String, type: String, capacityWeightKg: Double, capacityVolumeM3: Double,
        status: String, assignedCargoID: String? = nil, position: GeoPoint? = nil, fixTime: Int64? = nil,
        source: PositionSource? = nil, driver: DrivingTimeRules.DriverState = .init()
    ) {
        self.key = key
        self.id = id
        self.owner = owner
        self.type = type
        self.capacityWeightKg = capacityWeightKg
        self.capacityVolumeM3 = capacityVolumeM3
        self.status = status
        self.assignedCargoID = assignedCargoID
        self.position = position
        self.fixTime = fixTime
        self.source = source
        self.driver = driver
    }
}
