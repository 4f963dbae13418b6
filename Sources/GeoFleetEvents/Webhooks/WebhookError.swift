/// Why a webhook was refused; `description` is the message the API answers.
public enum WebhookError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL, secret or event list is unusable.
    case invalid(String)
    /// The user already has the most webhooks allowed.
    case tooMany(limit: Int)

    public var description: String {
        switch self {
        case .invalid(let message): message
        case .tooMany(let limit): "a user may have at most \(limit) webhooks; delete one first"
        }
    }
}
