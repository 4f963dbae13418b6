/// Reading an archive's rows in-process, without restoring it: for exports.
public enum ArchivedPositions {
    /// Decompresses the archive `manifest` describes and calls `tuple` for every row (vehicle key,
    /// fix time in ms, raw tuple) in file order (vehicle key, fix time). `tuple` may throw to stop
    /// early; that error is rethrown. Sealed archives are opened with `keys`. Blocking.
    public static func scan(
        _ manifest: ArchiveManifest, in directory: ArchiveDirectory, keys: ArchiveKeyring,
        tuple: (Int64, Int64, UnsafeRawBufferPointer) throws -> Void
    ) throws {
        _ = try ArchiveReader.scan(manifest: manifest, directory: directory, keys: keys, tuple: tuple)
    }
}
