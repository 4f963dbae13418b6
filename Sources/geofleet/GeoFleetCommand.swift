import ArgumentParser

/// `geofleet`: the operator's command line. It reads the same GEOFLEET_* environment as geofleetd.
@main
struct GeoFleetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geofleet",
        abstract: "GeoFleet operator tools.",
        subcommands: [TokenCommand.self, SimulateCommand.self, FuzzCommand.self, RoutingCommand.self, MatchCommand.self,
                      ArchiveCommand.self, EraseCommand.self])
}
