/// One `[length][BlobHeader][Blob]` frame of the file, located but not yet read.
struct BlobFrame {
    /// File offset of the 4-byte length prefix (where errors about the blob point).
    var offset: Int
    /// `BlobHeader.type`: "OSMHeader", "OSMData", or a type readers must skip.
    var type: String
    /// File offset and length of the `Blob` message.
    var dataOffset: Int
    var dataSize: Int

    /// File offset of the next frame.
    var end: Int { dataOffset + dataSize }
}

/// Reads the BlobHeader/Blob framing and yields each blob's uncompressed bytes (raw or zlib).
///
/// It owns reusable buffers, so the bytes returned by `data(of:)` are only valid until the next
/// call. One reader serves one pass over the file.
final class BlobReader {
    /// The format allows BlobHeaders under 64 KiB and blobs under 32 MiB; like libosmium, accept
    /// exactly the limit and reject anything above it.
    static let maxHeaderSize = 64 * 1024
    static let maxBlobSize = 32 * 1024 * 1024

    private let file: PBFFile
    private let compressed = GrowableBuffer()
    private let inflated = GrowableBuffer()
    private var inflater: Inflater?

    init(file: PBFFile) {
        self.file = file
    }

    /// Reads the length prefix and BlobHeader at `offset` and checks the frame fits in the file.
    func frame(at offset: Int) throws(PBFError) -> BlobFrame {
        let remaining = file.size - offset
        guard remaining >= 4 else {
            throw PBFError.truncated(offset: offset, needed: 4, available: remaining)
        }
        compressed.reserve(4)
        try file.read(into: compressed.mutableBytes(from: 0, count: 4), at: offset)
        let prefix = compressed.bytes(4)
        let headerSize = Int(prefix[0]) << 24 | Int(prefix[1]) << 16 | Int(prefix[2]) << 8 | Int(prefix[3])
        guard headerSize <= Self.maxHeaderSize else {
            throw PBFError.blobHeaderTooLarge(offset: offset, size: headerSize)
        }
        guard remaining - 4 >= headerSize else {
            throw PBFError.truncated(offset: offset + 4, needed: headerSize, available: remaining - 4)
        }
        compressed.reserve(headerSize)
        try file.read(into: compressed.mutableBytes(from: 0, count: headerSize), at: offset + 4)

        var type: String?
        var dataSize: Int32?
        do {
            var reader = ProtobufReader(compressed.bytes(headerSize))
            while !reader.isAtEnd {
                let (field, wireType) = try reader.readTag()
                switch field {
                case 1: type = try reader.readString(field: field, wireType: wireType, in: "BlobHeader")
                case 3: dataSize = Int32(truncatingIfNeeded: try reader.readVarint(field: field, wireType: wireType, in: "BlobHeader"))
                default: try reader.skip(wireType: wireType) // 2 indexdata
                }
            }
        } catch {
            throw PBFError.badProtobuf(offset: offset, reason: "BlobHeader: \(error)")
        }
        guard let type, let dataSize else {
            throw PBFError.badProtobuf(offset: offset, reason: "BlobHeader without type or datasize")
        }
        guard dataSize >= 0 else {
            throw PBFError.badProtobuf(offset: offset, reason: "BlobHeader datasize is negative (\(dataSize))")
        }
        guard Int(dataSize) <= Self.maxBlobSize else {
            throw PBFError.blobTooLarge(offset: offset, size: Int(dataSize))
        }
        let dataOffset = offset + 4 + headerSize
        guard file.size - dataOffset >= Int(dataSize) else {
            throw PBFError.truncated(offset: dataOffset, needed: Int(dataSize), available: file.size - dataOffset)
        }
        return BlobFrame(offset: offset, type: type, dataOffset: dataOffset, dataSize: Int(dataSize))
    }

    /// The uncompressed content of the frame's blob, valid until the next call.
    func data(of frame: BlobFrame) throws(PBFError) -> UnsafeRawBufferPointer {
        compressed.reserve(frame.dataSize)
        try file.read(into: compressed.mutableBytes(from: 0, count: frame.dataSize), at: frame.dataOffset)
        let blob = compressed.bytes(frame.dataSize)

        var raw: Range<Int>?
        var zlib: Range<Int>?
        var rawSize: Int32?
        var unsupported: String?
        do {
            var reader = ProtobufReader(blob)
            while !reader.isAtEnd {
                let (field, wireType) = try reader.readTag()
                switch field {
                case 1: raw = try reader.readLengthDelimited(field: field, wireType: wireType, in: "Blob")
                case 2: rawSize = Int32(truncatingIfNeeded: try reader.readVarint(field: field, wireType: wireType, in: "Blob"))
                case 3: zlib = try reader.readLengthDelimited(field: field, wireType: wireType, in: "Blob")
                case 4: unsupported = "lzma"
                case 5: unsupported = "bzip2"
                case 6: unsupported = "lz4"
                case 7: unsupported = "zstd"
                default: break
                }
                if field > 3 {
                    try reader.skip(wireType: wireType)
                }
            }
        } catch {
            throw PBFError.badProtobuf(offset: frame.offset, reason: "Blob: \(error)")
        }

        if let raw {
            return UnsafeRawBufferPointer(rebasing: blob[raw])
        }
        if let zlib {
            if let rawSize {
                guard rawSize >= 0 else {
                    throw PBFError.badProtobuf(offset: frame.offset, reason: "Blob raw_size is negative (\(rawSize))")
                }
                guard Int(rawSize) <= Self.maxBlobSize else {
                    throw PBFError.blobTooLarge(offset: frame.offset, size: Int(rawSize))
                }
            }
            do {
                if inflater == nil {
                    inflater = try Inflater()
                }
                let count = try inflater!.inflate(
                    UnsafeRawBufferPointer(rebasing: blob[zlib]),
                    into: inflated,
                    expectedSize: rawSize.map { Int($0) },
                    limit: Self.maxBlobSize)
                return inflated.bytes(count)
            } catch {
                throw PBFError.inflateFailed(offset: frame.offset, reason: error.reason)
            }
        }
        if let unsupported {
            throw PBFError.unsupportedCompression(offset: frame.offset, format: unsupported)
        }
        throw PBFError.badProtobuf(offset: frame.offset, reason: "Blob has no data (no raw or zlib_data field)")
    }
}
