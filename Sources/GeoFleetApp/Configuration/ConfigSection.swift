/// A part of ``GeoFleetConfiguration`` with its own variables; `init()` gives the defaults.
protocol ConfigSection {
    init()
    static var variables: [ConfigVariable<Self>] { get }
}

extension ConfigSection {
    /// Applies every variable of this section that `environment` sets.
    mutating func read(_ environment: [String: String]) throws {
        for variable in Self.variables {
            if let raw = environment[variable.name] { try variable.apply(&self, raw) }
        }
    }

    /// The section's rows of the configuration table.
    static var tableRows: [ConfigurationTable.Row] {
        variables.map { ConfigurationTable.Row(name: $0.name, defaultText: $0.defaultText, meaning: $0.meaning) }
    }
}
