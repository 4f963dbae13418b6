/// On-disk record layout; all integers little-endian:
///
///     offset  size  field
///     0       4     magic "GFS1" (0x47 0x46 0x53 0x31)
///     4       4     payload length L (u32)
///     8       8     sequence (u64)
///     16      L     payload (opaque, encoded by the caller)
///     16+L    4     CRC-32C over bytes 4..<16+L (length, sequence, payload)
///
/// The magic lets a scan resynchronise after a damaged record; the CRC covers the length so
/// a flipped length bit cannot make garbage look like a valid record.
enum RecordCodec {
    static let magic: [UInt8] = [0x47, 0x46, 0x53, 0x31]
    static let headerBytes = 16
    static let overheadBytes = 20

    /// Size of a record carrying `payloadCount` bytes.
    static func recordBytes(payloadCount: Int) -> Int { overheadBytes + payloadCount }

    /// Appends the encoded record to `buffer`.
    static func encode(sequence: UInt64, payload: [UInt8], into buffer: inout [UInt8]) {
        let start = buffer.count
        buffer.append(contentsOf: magic)
        appendLE(UInt32(payload.count), to: &buffer)
        appendLE(sequence, to: &buffer)
        buffer.append(contentsOf: payload)
        let crc = buffer.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[(start + 4)...])) }
        appendLE(crc, to: &buffer)
    }

    /// A record that decoded and passed its checksum.
    struct Decoded {
        var sequence: UInt64
        /// Range of the payload inside the scanned buffer.
        var payload: Range<Int>
        /// Offset just past the record.
        var end: Int
    }

    /// Decodes the record at `offset`, or nil if there is none that is complete and intact.
    static func decode(_ bytes: UnsafeRawBufferPointer, at offset: Int, maxPayload: Int) -> Decoded? {
        guard bytes.count - offset >= overheadBytes,
            bytes[offset] == magic[0], bytes[offset + 1] == magic[1],
            bytes[offset + 2] == magic[2], bytes[offset + 3] == magic[3]
        else { return nil }
        let length = Int(loadLE(UInt32.self, bytes, offset + 4))
        guard length <= maxPayload, bytes.count - offset - overheadBytes >= length else { return nil }
        let crcOffset = offset + headerBytes + length
        let stored = loadLE(UInt32.self, bytes, crcOffset)
        let actual = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[(offset + 4)..<crcOffset]))
        guard stored == actual else { return nil }
        return Decoded(
            sequence: loadLE(UInt64.self, bytes, offset + 8),
            payload: (offset + headerBytes)..<crcOffset,
            end: crcOffset + 4)
    }

    private static func appendLE<T: FixedWidthInteger>(_ value: T, to buffer: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
    }

    private static func loadLE<T: FixedWidthInteger>(_: T.Type, _ bytes: UnsafeRawBufferPointer, _ offset: Int) -> T {
        T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
