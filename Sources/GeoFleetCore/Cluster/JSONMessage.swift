import Foundation

/// A message cluster nodes exchange as JSON text (hiredis hands pub/sub payloads over as strings).
public protocol JSONMessage: Codable {}

extension JSONMessage {
    public func encoded() -> String {
        (try? String(decoding: JSONEncoder().encode(self), as: UTF8.self)) ?? "{}"
    }

    /// nil for anything that is not one.
    public init?(decoding text: String) {
        guard let value = try? JSONDecoder().decode(Self.self, from: Data(text.utf8)) else { return nil }
        self = value
    }
}
