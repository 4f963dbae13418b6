/// Reads an OpenStreetMap PBF file (https://wiki.openstreetmap.org/wiki/PBF_Format) blob by blob.
///
/// `init` validates the `OSMHeader` block; each `read` makes one pass over the data blobs with its
/// own buffers, so a file can be read several times (e.g. ways first, then nodes), also from
/// different threads at once.
public final class PBFReader: Sendable {
    /// The decoded `OSMHeader` block.
    public let header: OSMHeader
    /// Size of the file in bytes when it was opened (the last `progress` value of a full read).
    public let fileSize: Int
    private let file: PBFFile
    /// File offset of the first blob after the `OSMHeader` blob.
    private let dataStart: Int

    /// Opens the file, reads and validates the `OSMHeader` block; an unsupported required feature
    /// (anything but OsmSchema-V0.6, DenseNodes and HistoricalInformation) is an error.
    public init(path: String) throws {
        let file = try PBFFile(path: path)
        guard file.size >= 4 else {
            throw PBFError.notPBF(reason: "the file is only \(file.size) bytes long")
        }
        let blobs = BlobReader(file: file)
        // Anything wrong in the very first BlobHeader means this is not a PBF file at all.
        let frame: BlobFrame
        do {
            frame = try blobs.frame(at: 0)
        } catch {
            switch error {
            case .blobHeaderTooLarge(_, let size):
                throw PBFError.notPBF(reason: "the first 4 bytes give a BlobHeader length of \(size), over 64 KiB")
            case .truncated(let offset, _, _) where offset == 4:
                // The BlobHeader itself does not fit; a cut-off blob body stays `.truncated`.
                throw PBFError.notPBF(reason: "no valid BlobHeader at the start of the file (\(error))")
            case .badProtobuf:
                throw PBFError.notPBF(reason: "no valid BlobHeader at the start of the file (\(error))")
            default:
                throw error
            }
        }
        guard frame.type == "OSMHeader" else {
            throw PBFError.notPBF(reason: "the first blob has type \"\(frame.type)\", expected \"OSMHeader\"")
        }
        let header: OSMHeader
        do {
            header = try HeaderBlock.decode(try blobs.data(of: frame))
        } catch let error as ProtobufError {
            throw PBFError.badProtobuf(offset: frame.offset, reason: "HeaderBlock: \(error)")
        }
        for feature in header.requiredFeatures where !HeaderBlock.supportedRequiredFeatures.contains(feature) {
            throw PBFError.unsupportedRequiredFeature(feature)
        }
        self.header = header
        self.fileSize = file.size
        self.file = file
        self.dataStart = frame.end
    }

    /// Visits the requested kinds in file order. `progress` is called after each blob with the bytes read so far.
    ///
    /// Kinds that are not requested are skipped without building values. Errors thrown by the
    /// callbacks stop the pass and are rethrown unchanged; file problems are `PBFError`s.
    public func read(
        _ kinds: OSMEntityKinds,
        node: (OSMNode) throws -> Void = { _ in },
        way: (OSMWay) throws -> Void = { _ in },
        relation: (OSMRelation) throws -> Void = { _ in },
        progress: ((Int) -> Void)? = nil
    ) throws {
        let blobs = BlobReader(file: file)
        var offset = dataStart
        while offset < fileSize {
            let frame = try blobs.frame(at: offset)
            // Unknown blob types must be skipped; repeated OSMHeader blobs carry no entities.
            if frame.type == "OSMData" && !kinds.isEmpty {
                let data = try blobs.data(of: frame)
                do {
                    var block = try PrimitiveBlock(data)
                    try block.decode(kinds, node: node, way: way, relation: relation)
                } catch let error as ProtobufError {
                    throw PBFError.badProtobuf(offset: frame.offset, reason: "PrimitiveBlock: \(error)")
                }
            }
            offset = frame.end
            progress?(offset)
        }
    }
}
