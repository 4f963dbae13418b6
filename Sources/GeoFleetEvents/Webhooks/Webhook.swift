import Foundation

/// A user's webhook as listed back; the secret is never listed.
public struct Webhook: Sendable, Equatable {
    public var id: UUID
    public var userID: String
    public var url: String
    /// The event types it receives; nil: every type.
    public var events: [String]?
    /// Milliseconds since the epoch.
    public var createdAt: Int64

    public init(id: UUID, userID: String, url: String, events: [String]?, createdAt: Int64) {
        self.id = id
        self.userID = userID
        self.url = url
        self.events = events
        self.createdAt = createdAt
    }
}
