import Foundation

/// One geofence as the evaluator sees it.
public struct Fence: Sendable, Equatable {
    public var id: UUID
    /// The user id: only this user's vehicles are tested against the fence.
    public var owner: String
    public var area: FenceArea
    /// Overspeed inside, km/h.
    public var speedLimitKmh: Double?
    /// A dwell event after this long inside, seconds.
    public var dwellSeconds: Int64?

    public init(id: UUID, owner: String, area: FenceArea, speedLimitKmh: Double? = nil, dwellSeconds: Int64? = nil) {
        self.id = id
        self.owner = owner
        self.area = area
        self.speedLimitKmh = speedLimitKmh
        self.dwellSeconds = dwellSeconds
    }
}
