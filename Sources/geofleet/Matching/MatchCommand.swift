import ArgumentParser

/// `geofleet match`: cargo ↔ vehicle matching tools.
struct MatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Cargo ↔ vehicle matching: benchmark over a built road graph.",
        subcommands: [MatchBenchCommand.self])
}
