import ArgumentParser

/// `geofleet archive`: retention of position history (list, run, verify, restore, drop-restored, rekey, keygen).
struct ArchiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Archive position history older than the retention, verify archives, restore them for an investigation.",
        subcommands: [
            ArchiveListCommand.self, ArchiveRunCommand.self, ArchiveVerifyCommand.self,
            ArchiveRestoreCommand.self, ArchiveDropRestoredCommand.self, ArchiveRekeyCommand.self, ArchiveKeygenCommand.self,
        ])
}
