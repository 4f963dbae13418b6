import GeoFleetArchive
import GeoFleetPostGIS
import Logging

/// The archive context of the daemon and the CLI, from the archive settings: one place reads the
/// key file, so both seal and open archives with the same keys.
public enum ArchiveSetup {
    /// Reads `GEOFLEET_ARCHIVE_KEY_FILE` (warning when others may read it); `.none` when unset.
    public static func keyring(_ settings: ArchiveSettings, logger: Logger) throws -> ArchiveKeyring {
        guard let path = settings.keyFile else { return .none }
        let keys = try ArchiveKeyring.load(path: path, logger: logger)
        guard let current = keys.current else {
            throw ArchiveError.keyFile("GEOFLEET_ARCHIVE_KEY_FILE \(path) holds no key (unset the variable to write plaintext archives)")
        }
        logger.info("archive encryption on", metadata: ["key": "\(current.id)", "keys": "\(keys.entries.count)"])
        return keys
    }

    /// The archive context: directory, export streams and keys from `settings`.
    public static func context(_ settings: ArchiveSettings, endpoint: DatabaseEndpoint, logger: Logger) throws -> ArchiveContext {
        ArchiveContext(
            endpoint: endpoint, directory: settings.directory, exportStreams: settings.exportStreams, keys: try keyring(settings, logger: logger),
            logger: logger)
    }
}
