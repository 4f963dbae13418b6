import ArgumentParser
import GeoFleetApp

/// `geofleet config`: every `GEOFLEET_*` variable with its default and meaning, as the README's Markdown table.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Print the configuration variables (a Markdown table: variable, default, meaning).")

    func run() {
        print(GeoFleetConfiguration.markdownTable(), terminator: "")
    }
}
