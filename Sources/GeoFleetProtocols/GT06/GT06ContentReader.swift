/// Bounds-checked big-endian reads over a frame's information content: every read checks the bytes left
/// first and throws `.truncated` instead of trapping.
struct GT06ContentReader {
    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var remaining: Int { bytes.count - offset }

    /// An unsigned big-endian integer of `size` bytes (1…8).
    mutating func read(_ size: Int) throws(GT06DecodingError) -> UInt64 {
        let value = try peek(size)
        offset += size
        return value
    }

    /// The integer `read(size)` would return, without consuming it.
    func peek(_ size: Int) throws(GT06DecodingError) -> UInt64 {
        precondition((0...8).contains(size), "a GT06 field is 0 to 8 bytes")
        guard size <= remaining else { throw .truncated }
        var value: UInt64 = 0
        for byte in bytes[offset..<(offset + size)] {
            value = value << 8 | UInt64(byte)
        }
        return value
    }

    mutating func u8() throws(GT06DecodingError) -> UInt8 { UInt8(try read(1)) }
    mutating func u16() throws(GT06DecodingError) -> UInt16 { UInt16(try read(2)) }
    mutating func u32() throws(GT06DecodingError) -> UInt32 { UInt32(try read(4)) }

    /// `count` comes from the device (a length byte): a negative one is as bad as a too large one.
    mutating func bytes(_ count: Int) throws(GT06DecodingError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else { throw .truncated }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    mutating func skip(_ count: Int) throws(GT06DecodingError) {
        guard count >= 0, count <= remaining else { throw .truncated }
        offset += count
    }
}
