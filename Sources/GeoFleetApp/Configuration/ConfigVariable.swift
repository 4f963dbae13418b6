import Foundation

/// One `GEOFLEET_*` variable of a configuration section: its name, default and meaning (the README's
/// table is rendered from these), and how a set value is checked and stored.
struct ConfigVariable<Section> {
    let name: String
    /// The default as documented: a value, or what happens while the variable is unset.
    let defaultText: String
    let meaning: String
    /// Checks a set value and stores it in the section; an unusable value throws ``ConfigurationError``.
    let apply: (inout Section, String) throws -> Void
}

// Every kind of value is checked here, and every refusal has the one ConfigurationError format.
extension ConfigVariable where Section: ConfigSection {
    /// An integer in `range`, stored through `set`; empty keeps the default.
    static func integer(
        _ name: String, _ range: ClosedRange<Int>, _ meaning: String,
        get: (Section) -> Int, set: @escaping (inout Section, Int) -> Void
    ) -> Self {
        ConfigVariable(name: name, defaultText: "\(get(Section()))", meaning: meaning) { section, raw in
            guard !raw.isEmpty else { return }
            guard let value = Int(raw), range.contains(value) else {
                throw ConfigurationError(variable: name, expected: "an integer from \(range.lowerBound) to \(range.upperBound)", got: raw)
            }
            set(&section, value)
        }
    }

    /// An integer in `range`, or unset (nil); empty is the same as unset.
    static func optionalInteger(_ name: String, _ field: WritableKeyPath<Section, Int?>, _ range: ClosedRange<Int>, _ meaning: String) -> Self {
        ConfigVariable(name: name, defaultText: "unset", meaning: meaning) { section, raw in
            guard !raw.isEmpty else {
                section[keyPath: field] = nil
                return
            }
            guard let value = Int(raw), range.contains(value) else {
                throw ConfigurationError(variable: name, expected: "an integer from \(range.lowerBound) to \(range.upperBound)", got: raw)
            }
            section[keyPath: field] = value
        }
    }

    /// An integer field in `range`; empty keeps the default.
    static func integer(_ name: String, _ field: WritableKeyPath<Section, Int>, _ range: ClosedRange<Int>, _ meaning: String) -> Self {
        integer(name, range, meaning, get: { $0[keyPath: field] }, set: { $0[keyPath: field] = $1 })
    }

    /// `true` or `false` in any case; empty keeps the default.
    static func flag(_ name: String, _ field: WritableKeyPath<Section, Bool>, _ meaning: String) -> Self {
        ConfigVariable(name: name, defaultText: "`\(Section()[keyPath: field])`", meaning: meaning) { section, raw in
            guard !raw.isEmpty else { return }
            guard let value = Bool(raw.lowercased()) else { throw ConfigurationError(variable: name, expected: "true or false", got: raw) }
            section[keyPath: field] = value
        }
    }

    /// Any text, taken as it is (empty too).
    static func text(_ name: String, _ field: WritableKeyPath<Section, String>, _ meaning: String, defaultText: String? = nil) -> Self {
        ConfigVariable(name: name, defaultText: defaultText ?? "`\(Section()[keyPath: field])`", meaning: meaning) { section, raw in
            section[keyPath: field] = raw
        }
    }

    /// Any text; empty is the same as unset.
    static func optionalText(_ name: String, _ field: WritableKeyPath<Section, String?>, _ meaning: String, unset: String = "unset") -> Self {
        ConfigVariable(name: name, defaultText: unset, meaning: meaning) { section, raw in
            section[keyPath: field] = raw.isEmpty ? nil : raw
        }
    }

    /// One of `choices`; empty keeps the default.
    static func choice(_ name: String, _ field: WritableKeyPath<Section, String>, _ choices: [String], _ meaning: String) -> Self {
        ConfigVariable(name: name, defaultText: "`\(Section()[keyPath: field])`", meaning: meaning) { section, raw in
            guard !raw.isEmpty else { return }
            guard choices.contains(raw) else {
                throw ConfigurationError(variable: name, expected: "one of \(choices.joined(separator: ", "))", got: raw)
            }
            section[keyPath: field] = raw
        }
    }

    /// A comma-separated list, blanks trimmed and empty items dropped; with `allowed`, every item
    /// must be one of them. `keepDefaultWhenEmpty`: an empty value keeps the default rather than an empty list.
    static func list(
        _ name: String, allowed: [String]? = nil, keepDefaultWhenEmpty: Bool, _ meaning: String, defaultText: String,
        set: @escaping (inout Section, [String]) -> Void
    ) -> Self {
        ConfigVariable(name: name, defaultText: defaultText, meaning: meaning) { section, raw in
            if raw.isEmpty && keepDefaultWhenEmpty { return }
            let items = raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if let allowed, let unknown = items.first(where: { !allowed.contains($0) }) {
                throw ConfigurationError(
                    variable: name, expected: "a comma-separated list of \(allowed.joined(separator: ", ")) (\(unknown) is none of them)", got: raw)
            }
            set(&section, items)
        }
    }
}
