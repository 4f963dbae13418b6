/// Streams a binary `COPY … TO STDOUT` of the ``ArchiveColumns`` (from an archive file or from PostGIS)
/// into tuples; the public face of the module's COPY scanner.
public struct PositionCopyDecoder {
    private var scanner = PGCopyBinaryScanner()

    public init() {}

    /// Feeds bytes; `tuple` gets each complete tuple's vehicle key, fix time (ms) and raw bytes
    /// (``PositionRecord/decode(_:)`` reads them).
    public mutating func consume(_ chunk: UnsafeRawBufferPointer, tuple: (Int64, Int64, UnsafeRawBufferPointer) throws -> Void) throws {
        try scanner.consume(chunk, tuple: tuple)
    }

    /// Throws unless the stream ended with its trailer.
    public func finish() throws { try scanner.finish() }
}
