/// Big-endian reads over a payload that throw `.truncated` instead of trapping when the data ends.
struct RuptelaPayloadReader {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var remaining: Int { bytes.count - index }

    mutating func u8() throws(RuptelaDecodingError) -> UInt8 {
        guard index < bytes.count else { throw .truncated }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func u16() throws(RuptelaDecodingError) -> UInt16 {
        UInt16(truncatingIfNeeded: try uint(size: 2))
    }

    mutating func u32() throws(RuptelaDecodingError) -> UInt32 {
        UInt32(truncatingIfNeeded: try uint(size: 4))
    }

    /// An unsigned big-endian integer of 1 to 8 bytes.
    mutating func uint(size: Int) throws(RuptelaDecodingError) -> UInt64 {
        guard size <= remaining else { throw .truncated }
        var value: UInt64 = 0
        for offset in index..<(index + size) {
            value = value << 8 | UInt64(bytes[offset])
        }
        index += size
        return value
    }

    mutating func bytes(_ count: Int) throws(RuptelaDecodingError) -> ArraySlice<UInt8> {
        guard count <= remaining else { throw .truncated }
        defer { index += count }
        return bytes[index..<(index + count)]
    }

    mutating func skip(_ count: Int) throws(RuptelaDecodingError) {
        guard count <= remaining else { throw .truncated }
        index += count
    }
}
