/// Why an area is refused (message is shown to API users as a 400).
public struct FenceAreaError: Error, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
