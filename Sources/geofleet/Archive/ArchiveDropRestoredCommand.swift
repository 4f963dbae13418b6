import ArgumentParser
import GeoFleetArchive

/// `geofleet archive drop-restored --from DATE --to DATE`: removes restored partitions again.
struct ArchiveDropRestoredCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drop-restored", abstract: "Drop partitions restored from the archive (the archives stay).")

    @Option(help: "Start (a date or ISO 8601 instant).") var from: String
    @Option(help: "End (a date includes that whole day).") var to: String

    func run() async throws {
        let env = try await ArchiveEnvironment.load()
        var restorer = ArchiveRestorer(context: env.context)
        restorer.progress = { ArchiveEnvironment.say($0) }
        let dropped = try await restorer.dropRestored(
            from: try ArchiveDateArgument.parse(from, endOfDay: false), to: try ArchiveDateArgument.parse(to, endOfDay: true))
        ArchiveEnvironment.say("summary: dropped=\(dropped.count)")
    }
}
