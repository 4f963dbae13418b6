/// The string table of one PrimitiveBlock, decoded lazily: each entry becomes a Swift `String`
/// once, the first time a tag or role refers to it. Entries only used by metadata we skip (user
/// names) are never decoded, and blocks whose entities are not requested never index the table.
struct StringTable {
    private let bytes: UnsafeRawBufferPointer
    private let range: Range<Int>
    private var indexed = false
    private var entries: [Range<Int>] = []
    private var cache: [String?] = []

    init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>) {
        self.bytes = bytes
        self.range = range
    }

    /// The string at `index`; an index outside the table is a malformed block.
    @inline(__always)
    mutating func string(at index: UInt64, position: Int) throws(ProtobufError) -> String {
        if !indexed {
            try buildIndex()
        }
        guard index < UInt64(entries.count) else {
            throw ProtobufError(
                reason: "string table index \(index) out of range (table has \(entries.count) entries)",
                position: position)
        }
        let slot = Int(index)
        if let string = cache[slot] {
            return string
        }
        let string = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[entries[slot]]), as: UTF8.self)
        cache[slot] = string
        return string
    }

    private mutating func buildIndex() throws(ProtobufError) {
        var reader = ProtobufReader(bytes, range: range)
        var found: [Range<Int>] = []
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            if field == 1 {
                found.append(try reader.readLengthDelimited(field: field, wireType: wireType, in: "StringTable"))
            } else {
                try reader.skip(wireType: wireType)
            }
        }
        entries = found
        cache = [String?](repeating: nil, count: found.count)
        indexed = true
    }
}
