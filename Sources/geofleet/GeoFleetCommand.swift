import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// `geofleet`: the operator's command line. It reads the same GEOFLEET_* environment as geofleetd.
@main
struct GeoFleetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geofleet",
        abstract: "GeoFleet operator tools.",
        subcommands: [TokenCommand.self, SimulateCommand.self, FuzzCommand.self, RoutingCommand.self, MatchCommand.self,
                      ArchiveCommand.self, EraseCommand.self, ConfigCommand.self])

    /// ArgumentParser's entry point, after umask 077: archives, their rewrites and the embedded
    /// cluster it may start hold tenants' data, and nothing this process creates is for other users.
    static func main() async {
        umask(0o077)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
