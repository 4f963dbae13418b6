import GeoFleetArchive

/// Every read of archive files an export makes goes through ``read(_:in:keys:vehicleKey:row:)``.
enum ArchiveExportReader {
    /// Thrown from the scan callback once the file (sorted by vehicle key, fix time) is past the vehicle.
    private struct PastVehicle: Error {}

    /// Calls `row` with every tuple of `vehicleKey` in the archive `manifest` describes, in fix-time
    /// order (vehicle key, fix time in ms, raw tuple), decoded in-process and never restored. Blocking.
    static func read(
        _ manifest: ArchiveManifest, in directory: ArchiveDirectory, keys: ArchiveKeyring, vehicleKey: Int64,
        row: (Int64, UnsafeRawBufferPointer) throws -> Void
    ) throws {
        // Manifests list their vehicles: a file without this one is not opened.
        guard manifest.vehicleKeys.contains(vehicleKey) else { return }
        do {
            try ArchivedPositions.scan(manifest, in: directory, keys: keys) { key, fix, tuple in
                if key < vehicleKey { return }
                if key > vehicleKey { throw PastVehicle() }
                try row(fix, tuple)
            }
        } catch is PastVehicle {
            // The rest of the file belongs to other vehicles; zstd ends on the closed pipe.
        }
    }
}
