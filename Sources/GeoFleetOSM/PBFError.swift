/// Why an OSM PBF file could not be read; offsets are byte offsets in the file.
public enum PBFError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be opened or inspected.
    case cannotOpen(path: String, reason: String)
    /// A read from the file failed.
    case readFailed(offset: Int, reason: String)
    /// The file does not start with an `OSMHeader` blob.
    case notPBF(reason: String)
    /// The file ends inside a blob: `needed` bytes were expected at `offset`, only `available` remain.
    case truncated(offset: Int, needed: Int, available: Int)
    /// A BlobHeader length prefix at `offset` is over the 64 KiB the format allows.
    case blobHeaderTooLarge(offset: Int, size: Int)
    /// A blob at `offset` declares more than the 32 MiB the format allows (compressed or raw size).
    case blobTooLarge(offset: Int, size: Int)
    /// The protobuf content of the blob at `offset` is malformed.
    case badProtobuf(offset: Int, reason: String)
    /// The blob at `offset` uses a compression this reader does not implement (lzma, zstd, lz4, bzip2).
    case unsupportedCompression(offset: Int, format: String)
    /// The header lists a required feature this reader does not implement.
    case unsupportedRequiredFeature(String)
    /// zlib could not inflate the blob at `offset`.
    case inflateFailed(offset: Int, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "cannot open OSM PBF file \(path): \(reason)"
        case .readFailed(let offset, let reason):
            return "read failed at byte \(offset): \(reason)"
        case .notPBF(let reason):
            return "not an OSM PBF file: \(reason)"
        case .truncated(let offset, let needed, let available):
            return "truncated OSM PBF file: needed \(needed) bytes at byte \(offset), only \(available) left"
        case .blobHeaderTooLarge(let offset, let size):
            return "BlobHeader at byte \(offset) is \(size) bytes, over the 64 KiB limit"
        case .blobTooLarge(let offset, let size):
            return "blob at byte \(offset) is \(size) bytes, over the 32 MiB limit"
        case .badProtobuf(let offset, let reason):
            return "malformed protobuf in blob at byte \(offset): \(reason)"
        case .unsupportedCompression(let offset, let format):
            return "blob at byte \(offset) uses \(format) compression, only raw and zlib are supported"
        case .unsupportedRequiredFeature(let feature):
            return "OSM PBF file requires feature \"\(feature)\", which this reader does not support"
        case .inflateFailed(let offset, let reason):
            return "zlib inflate failed for blob at byte \(offset): \(reason)"
        }
    }
}
