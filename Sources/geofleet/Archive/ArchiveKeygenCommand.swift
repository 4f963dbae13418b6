import ArgumentParser
import GeoFleetArchive

/// `geofleet archive keygen ID`: a new key line for GEOFLEET_ARCHIVE_KEY_FILE.
struct ArchiveKeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen", abstract: "Print a new archive key line (32 random bytes, base64) for GEOFLEET_ARCHIVE_KEY_FILE.",
        discussion: "Put it first in the key file to seal new archives with it, then run `geofleet archive rekey`.")

    @Argument(help: "Key id: 1 to 64 of A-Z a-z 0-9 . _ -") var id: String

    func run() throws {
        guard ArchiveKeyring.isKeyID(id) else { throw ArchiveCLIError("key id must be 1 to 64 of A-Z a-z 0-9 . _ -") }
        print(ArchiveKeyring.newKeyLine(id: id))
    }
}
