import Foundation

/// Data a node changed through its API, for the other nodes to refresh what they cache of it.
public struct CacheChange: Sendable, Equatable, JSONMessage {
    /// What kind of data changed.
    public enum Scope: String, Sendable, Codable, CaseIterable {
        /// A user's vehicles (and so their devices' bindings).
        case vehicles
        /// Cargo (matching's open cargo).
        case cargo
        /// A user's geofences.
        case geofences
        /// A user's cost or marketplace settings.
        case settings
    }

    public var scope: Scope
    /// The account whose data changed.
    public var userID: String
    /// The node that changed it; set by the bus.
    public var node: String

    public init(scope: Scope, userID: String, node: String = "") {
        self.scope = scope
        self.userID = userID
        self.node = node
    }
}
