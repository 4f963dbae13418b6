import Foundation

/// The checks a new webhook passes before it is stored; each failure names the field.
enum WebhookValidation {
    static let maxURLLength = 2048
    static let secretLengths = 16...256

    static func url(_ raw: String) throws -> String {
        guard raw.utf8.count <= maxURLLength else { throw WebhookError.invalid("url must be at most \(maxURLLength) characters") }
        // Whitespace and control characters would be re-encoded or cut by the HTTP client.
        guard !raw.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }),
            let components = URLComponents(string: raw), let scheme = components.scheme?.lowercased()
        else { throw WebhookError.invalid("url must be an absolute http or https URL") }
        guard scheme == "http" || scheme == "https" else { throw WebhookError.invalid("url must use http or https") }
        guard let host = components.host, !host.isEmpty else { throw WebhookError.invalid("url must name a host") }
        // Credentials in a URL end up in logs and listings; the secret signs instead.
        guard components.user == nil, components.password == nil else {
            throw WebhookError.invalid("url must not carry a user or password")
        }
        return raw
    }

    static func secret(_ raw: String) throws -> String {
        guard secretLengths.contains(raw.count) else {
            throw WebhookError.invalid("secret must be \(secretLengths.lowerBound) to \(secretLengths.upperBound) characters")
        }
        // PostgreSQL text holds no NUL, and a control character in a key is a mistake, not entropy.
        guard !raw.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw WebhookError.invalid("secret must not contain control characters")
        }
        return raw
    }

    /// The types, de-duplicated in their given order; nil stays nil (every type).
    static func events(_ raw: [String]?) throws -> [String]? {
        guard let raw else { return nil }
        guard !raw.isEmpty else { throw WebhookError.invalid("events must name at least one type (omit it for every type)") }
        var seen = Set<String>()
        var types: [String] = []
        for type in raw {
            guard EventTypes.known.contains(type) else {
                throw WebhookError.invalid("unknown event type \(type); known: \(EventTypes.all.joined(separator: ", "))")
            }
            if seen.insert(type).inserted { types.append(type) }
        }
        return types
    }
}
