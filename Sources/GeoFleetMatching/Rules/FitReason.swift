/// Why a vehicle cannot take a load: a stable code and a sentence for the dispatcher.
public struct FitReason: Sendable, Equatable {
    public var code: String
    public var message: String

    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`, as the API lists it.
    public var text: String { "\(code): \(message)" }
}
