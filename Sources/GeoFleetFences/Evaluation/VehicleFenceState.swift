import Foundation

/// One vehicle's fence state; small, Codable (JSON) so the caller can persist it per vehicle.
public struct VehicleFenceState: Sendable, Equatable, Codable {
    /// A fence the vehicle is inside.
    public struct Membership: Sendable, Equatable, Codable {
        public var fenceID: UUID
        /// ms since epoch of the fix that entered.
        public var enteredAt: Int64
        public var dwellFired: Bool
        /// Overspeed fired and not yet rearmed.
        public var overspeeding: Bool

        public init(fenceID: UUID, enteredAt: Int64, dwellFired: Bool = false, overspeeding: Bool = false) {
            self.fenceID = fenceID
            self.enteredAt = enteredAt
            self.dwellFired = dwellFired
            self.overspeeding = overspeeding
        }
    }

    /// Fences the vehicle is inside, in the order it entered them.
    public internal(set) var memberships: [Membership] = []
    /// The last evaluated fix: for segment crossing, and to ignore fixes not newer than it.
    public internal(set) var lastTime: Int64?
    public internal(set) var lastLatitude: Double?
    public internal(set) var lastLongitude: Double?

    public init() {}

    /// Whether the vehicle is inside the fence with this id.
    public func isInside(_ fenceID: UUID) -> Bool { memberships.contains { $0.fenceID == fenceID } }
}
