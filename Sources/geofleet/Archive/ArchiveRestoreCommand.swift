import ArgumentParser
import GeoFleetArchive

/// `geofleet archive restore --from DATE --to DATE`: archived partitions back into PostGIS.
struct ArchiveRestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Bring archived partitions back into positions for an investigation.",
        discussion: "Restored partitions stay until `geofleet archive drop-restored`; the archive job leaves them alone.")

    @Option(help: "Start (a date or ISO 8601 instant).") var from: String
    @Option(help: "End (a date includes that whole day).") var to: String

    func run() async throws {
        let env = try await ArchiveEnvironment.load()
        let start = try ArchiveDateArgument.parse(from, endOfDay: false)
        let end = try ArchiveDateArgument.parse(to, endOfDay: true)
        guard start < end else { throw ArchiveCLIError("--from must be before --to") }
        var restorer = ArchiveRestorer(context: env.context)
        restorer.progress = { ArchiveEnvironment.say($0) }
        let restored = try await restorer.restore(from: start, to: end)
        ArchiveEnvironment.say("summary: partitions=\(restored.count) rows=\(restored.reduce(0) { $0 + $1.rows })")
    }
}
