import ArgumentParser
import GeoFleetCommandLine

/// `geofleet`: the operator's command line. It reads the same GEOFLEET_* environment as geofleetd.
@main
struct GeoFleetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geofleet",
        abstract: "GeoFleet operator tools.",
        subcommands: [
            TokenCommand.self, FuzzCommand.self, RoutingCommand.self, ArchiveCommand.self, EraseCommand.self, ConfigCommand.self,
            ETAReportCommand.self, DeviceCommand.self, ExportCommand.self,
        ])

    static func main() async {
        await runPrivately()
    }
}
