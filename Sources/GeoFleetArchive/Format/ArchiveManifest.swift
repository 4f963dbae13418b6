import Foundation

/// The JSON that describes (and vouches for) one archive file; written only after the file was read
/// back and matched the partition, so its presence means "this partition is safely archived".
public struct ArchiveManifest: Codable, Sendable, Hashable {
    /// One erasure applied by rewriting this archive.
    public struct AppliedErasure: Codable, Sendable, Hashable {
        public var vehicleKey: Int64
        public var erasedThrough: String
        public var rowsRemoved: Int
        public var appliedAt: String
    }

    /// How an encrypted archive's data file is sealed (absent: plaintext zstd).
    public struct Encryption: Codable, Sendable, Hashable {
        public var algorithm = ArchiveCipherFormat.algorithm
        /// The key of `GEOFLEET_ARCHIVE_KEY_FILE` that opens it.
        public var keyId: String
        /// Plaintext bytes per sealed chunk.
        public var chunkBytes: Int
        public var layout = ArchiveCipherFormat.layout
    }

    public static let formatName = "geofleet.positions.archive"
    /// Version 1: plaintext zstd; version 2: the zstd stream sealed as `encryption` says.
    static let plaintextVersion = 1
    static let encryptedVersion = 2
    public var format = ArchiveManifest.formatName
    public var version = 1
    public var partition: String
    /// The partition's range, [rangeStart, rangeEnd), ISO 8601 UTC.
    public var rangeStart: String
    public var rangeEnd: String
    /// Data file name in the archive directory; its generation increases with every rewrite.
    public var file: String
    public var generation: Int
    public var encoding = "PostgreSQL COPY (FORMAT binary) of the columns below, compressed with zstd"
    public var compression = "zstd"
    public var columns = ArchiveColumns.all
    /// Row order in the file.
    public var order: String? = ArchivePipelines.exportOrder
    public var rows: Int
    public var vehicleCount: Int
    /// Sorted; lets erasure rewrite only the archives that hold a vehicle.
    public var vehicleKeys: [Int64]
    public var minFixTime: String?
    public var maxFixTime: String?
    public var compressedBytes: Int64
    public var sha256: String
    /// pg_total_relation_size of the partition when it was exported (heap + indexes).
    public var tableBytes: Int64
    public var createdAt: String
    public var erasures: [AppliedErasure] = []
    public var encryption: Encryption?

    /// `positions_p20261001.manifest.json`
    public static func fileName(partition: String) -> String { partition + ".manifest.json" }
    /// `positions_p20261001.g1.pgcopy.zst`, encrypted `positions_p20261001.g1.pgcopy.zst.aes`
    public static func dataFileName(partition: String, generation: Int, encrypted: Bool = false) -> String {
        "\(partition).g\(generation).pgcopy.zst" + (encrypted ? ".aes" : "")
    }

    /// The fields that say how the data file is stored, for plaintext or for `key`'s encryption.
    mutating func setStorage(partition: String, generation: Int, key: ArchiveKeyring.Entry?) {
        self.generation = generation
        file = Self.dataFileName(partition: partition, generation: generation, encrypted: key != nil)
        version = key == nil ? Self.plaintextVersion : Self.encryptedVersion
        encryption = key.map { Encryption(keyId: $0.id, chunkBytes: ArchiveCipherFormat.defaultChunkBytes) }
        encoding = Self.encodingText(encrypted: key != nil)
    }

    static func encodingText(encrypted: Bool) -> String {
        "PostgreSQL COPY (FORMAT binary) of the columns below, compressed with zstd" + (encrypted ? ", sealed as `encryption` says" : "")
    }

    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}
