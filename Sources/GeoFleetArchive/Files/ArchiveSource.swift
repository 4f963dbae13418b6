/// An archive data file and how it is stored: what every reader needs to get its COPY stream back.
struct ArchiveSource: Sendable {
    let path: String
    /// Names the archive in errors (the partition, or the file of an unpublished export).
    let label: String
    /// nil: plaintext zstd.
    let encryption: ArchiveManifest.Encryption?

    init(path: String, label: String, encryption: ArchiveManifest.Encryption?) {
        self.path = path
        self.label = label
        self.encryption = encryption
    }

    /// The data file a manifest vouches for.
    init(manifest: ArchiveManifest, directory: ArchiveDirectory) {
        self.init(path: directory.file(manifest.file), label: manifest.partition, encryption: manifest.encryption)
    }

    /// A file just written under `key` (or plaintext), before any manifest names it.
    init(written path: String, label: String, key: ArchiveKeyring.Entry?) {
        self.init(
            path: path, label: label,
            encryption: key.map { ArchiveManifest.Encryption(keyId: $0.id, chunkBytes: ArchiveCipherFormat.defaultChunkBytes) })
    }

    /// Throws the clear "which key is missing" error before any process starts.
    func checkKey(in keys: ArchiveKeyring) throws {
        if let encryption, keys.key(id: encryption.keyId) == nil { throw ArchiveError.missingKey(archive: label, keyID: encryption.keyId) }
    }
}
