import Foundation

/// A delivery row claimed for one attempt, with what the POST needs.
struct DueDelivery: Sendable {
    var webhookID: UUID
    var url: String
    var secret: String
    var event: EventRecord
    /// Attempts so far, this one included.
    var attempts: Int
    /// When the row was created (ms): retries stop `retryFor` after it.
    var createdAt: Int64
}
