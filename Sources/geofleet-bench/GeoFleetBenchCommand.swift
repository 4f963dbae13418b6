import ArgumentParser
import GeoFleetCommandLine

/// `geofleet-bench`: load generation and benchmarks. It reads the same GEOFLEET_* environment as geofleetd.
@main
struct GeoFleetBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geofleet-bench",
        abstract: "GeoFleet load generator and benchmarks.",
        subcommands: [
            SimulateCommand.self, RoutingBenchCommand.self, MatchBenchCommand.self, FencesBenchCommand.self, ExportBenchCommand.self,
        ])

    static func main() async {
        await runPrivately()
    }
}
