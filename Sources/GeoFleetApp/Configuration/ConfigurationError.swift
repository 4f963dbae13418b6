/// A configuration variable with a value GeoFleet cannot use.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var variable: String
    /// What the variable takes, e.g. `an integer from 1 to 100`.
    public var expected: String
    public var got: String

    public init(variable: String, expected: String, got: String) {
        self.variable = variable
        self.expected = expected
        self.got = got
    }

    /// `GEOFLEET_WRITER_BATCH_ROWS: expected an integer from 1 to 1000000, got "abc"`.
    public var description: String { "\(variable): expected \(expected), got \"\(got)\"" }
}
