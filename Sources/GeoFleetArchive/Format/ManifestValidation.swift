import GeoFleetCore
import GeoFleetPostGIS

/// A manifest is input from a file anyone with access to the archive directory can edit, and restore
/// runs its partition name and range as superuser DDL and its `file` as a path: every field is
/// checked against what the archiver itself writes before any of it is used.
extension ArchiveManifest {
    /// Partitions are at most 31 days wide (GEOFLEET_PARTITION_HOURS); rows and bytes get generous
    /// caps that still keep arithmetic on them far from overflow.
    static let maxPartitionMilliseconds: Int64 = 31 * 86_400_000
    static let maxRows = 1 << 40
    static let maxBytes: Int64 = 1 << 50
    static let maxGeneration = 1_000_000

    /// The partition's range in ms, once validated.
    public var range: (start: Int64, end: Int64)? {
        guard let start = UTCTime.parseISO8601(rangeStart), let end = UTCTime.parseISO8601(rangeEnd) else { return nil }
        return (start, end)
    }

    /// Throws `ArchiveError.corrupt` naming the first field that is not what the archiver writes.
    public func validate() throws {
        func refuse(_ why: String) -> ArchiveError { .corrupt("manifest of \(partition.debugDescription) refused: \(why)") }
        guard format == Self.formatName, version == (encryption == nil ? Self.plaintextVersion : Self.encryptedVersion) else {
            throw refuse("unknown format \(format.debugDescription) version \(version)" + (encryption == nil ? "" : " with encryption"))
        }
        if let encryption {
            guard encryption.algorithm == ArchiveCipherFormat.algorithm else {
                throw refuse("encryption algorithm \(encryption.algorithm.debugDescription) is not \(ArchiveCipherFormat.algorithm)")
            }
            guard ArchiveKeyring.isKeyID(encryption.keyId) else { throw refuse("encryption key id is not 1 to 64 of A-Z a-z 0-9 . _ -") }
            guard ArchiveCipherFormat.chunkByteRange.contains(encryption.chunkBytes) else {
                throw refuse("encryption chunk size \(encryption.chunkBytes) out of range")
            }
        }
        guard Self.isPartitionName(partition) else {
            throw refuse("partition name must be positions_pYYYYMMDD or positions_pYYYYMMDDHH")
        }
        guard let range, UTCTime.iso8601(milliseconds: range.start) == rangeStart, UTCTime.iso8601(milliseconds: range.end) == rangeEnd else {
            throw refuse("range \(rangeStart.debugDescription) .. \(rangeEnd.debugDescription) is not two UTC timestamps")
        }
        let (start, end) = range
        let width = end - start
        guard width > 0, width <= Self.maxPartitionMilliseconds, width % 3_600_000 == 0 else {
            throw refuse("range is not a whole number of hours up to 31 days")
        }
        let scheme = PartitionScheme(hours: Int(width / 3_600_000))
        guard scheme.start(containing: start) == start else { throw refuse("range start is not aligned to its partition width") }
        guard scheme.name(start: start) == partition else {
            throw refuse("range \(rangeStart) .. \(rangeEnd) belongs to \(scheme.name(start: start)), not to this partition")
        }
        guard (1...Self.maxGeneration).contains(generation) else { throw refuse("generation \(generation) out of range") }
        let expectedFile = Self.dataFileName(partition: partition, generation: generation, encrypted: encryption != nil)
        guard !file.contains("/"), !file.hasPrefix("."), file == expectedFile else {
            throw refuse("file \(file.debugDescription) is not \(expectedFile)")
        }
        guard (0...Self.maxRows).contains(rows), (0...Self.maxBytes).contains(compressedBytes), (0...Self.maxBytes).contains(tableBytes) else {
            throw refuse("rows or sizes out of range")
        }
        guard vehicleCount == vehicleKeys.count, vehicleCount <= rows, zip(vehicleKeys, vehicleKeys.dropFirst()).allSatisfy({ $0.0 < $0.1 }) else {
            throw refuse("vehicle keys are not \(vehicleCount) sorted distinct keys")
        }
        guard sha256.count == 64, sha256.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) || ("a"..."f").contains($0) }) else {
            throw refuse("sha256 is not 64 lowercase hex digits")
        }
        for time in [minFixTime, maxFixTime].compactMap({ $0 }) {
            guard let ms = UTCTime.parseISO8601(time), ms >= start, ms < end else { throw refuse("fix time \(time) outside the range") }
        }
        for erasure in erasures {
            guard UTCTime.parseISO8601(erasure.erasedThrough) != nil, (0...Self.maxRows).contains(erasure.rowsRemoved) else {
                throw refuse("erasure record of vehicle \(erasure.vehicleKey) is malformed")
            }
        }
    }

    /// `positions_p` and 8 (daily and wider) or 10 (hourly) ASCII digits: all `PartitionScheme` names.
    static func isPartitionName(_ name: String) -> Bool {
        let prefix = "positions_p"
        guard name.hasPrefix(prefix) else { return false }
        let digits = name.utf8.dropFirst(prefix.utf8.count)
        return (digits.count == 8 || digits.count == 10) && digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
}
