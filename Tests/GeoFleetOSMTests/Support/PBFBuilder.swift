/// Builds PBF files byte by byte: frames, blobs, header and primitive blocks.
struct PBFBuilder {
    /// How a blob's payload is stored.
    enum Encoding {
        case raw
        case zlib
        /// zlib stream whose Adler-32 checksum is wrong.
        case zlibBadChecksum
        /// zlib data, with `raw_size` set to this value instead of the real size.
        case zlibRawSize(Int64)
        /// The payload in field 4 (lzma_data) or 7 (zstd_data).
        case lzma, zstd
        /// A Blob message with only raw_size.
        case empty
    }

    private(set) var bytes: [UInt8] = []
    /// File offset of each frame's length prefix, in order.
    private(set) var frameOffsets: [Int] = []

    mutating func frame(type: String, payload: [UInt8], encoding: Encoding = .zlib) {
        var blob = ProtobufWriter()
        switch encoding {
        case .raw:
            blob.bytes(1, payload)
        case .zlib:
            blob.int(2, Int64(payload.count))
            blob.bytes(3, StoredZlib.compress(payload))
        case .zlibBadChecksum:
            var zlib = StoredZlib.compress(payload)
            zlib[zlib.count - 1] ^= 0xFF
            blob.int(2, Int64(payload.count))
            blob.bytes(3, zlib)
        case .zlibRawSize(let rawSize):
            blob.int(2, rawSize)
            blob.bytes(3, StoredZlib.compress(payload))
        case .lzma:
            blob.int(2, Int64(payload.count))
            blob.bytes(4, payload)
        case .zstd:
            blob.int(2, Int64(payload.count))
            blob.bytes(7, payload)
        case .empty:
            blob.int(2, Int64(payload.count))
        }
        rawFrame(type: type, blob: blob.bytes)
    }

    /// A frame around an already encoded Blob message, with `datasize` optionally overridden.
    mutating func rawFrame(type: String, blob: [UInt8], dataSize: Int64? = nil) {
        var header = ProtobufWriter()
        header.string(1, type)
        header.int(3, dataSize ?? Int64(blob.count))
        frameOffsets.append(bytes.count)
        let length = UInt32(header.bytes.count)
        bytes += [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
        bytes += header.bytes
        bytes += blob
    }

    /// A HeaderBlock message.
    static func headerBlock(
        boundingBox: (left: Int64, right: Int64, top: Int64, bottom: Int64)? = nil,
        required: [String] = ["OsmSchema-V0.6", "DenseNodes"],
        optional: [String] = [],
        writingProgram: String? = nil,
        replicationTimestamp: Int64? = nil
    ) -> [UInt8] {
        var w = ProtobufWriter()
        if let box = boundingBox {
            w.message(1) {
                $0.sint(1, box.left)
                $0.sint(2, box.right)
                $0.sint(3, box.top)
                $0.sint(4, box.bottom)
            }
        }
        required.forEach { w.string(4, $0) }
        optional.forEach { w.string(5, $0) }
        if let writingProgram { w.string(16, writingProgram) }
        w.string(17, "hand-made test data") // source: must be skipped
        if let replicationTimestamp { w.int(32, replicationTimestamp) }
        w.int(33, 42) // sequence number: skipped
        return w.bytes
    }
}

/// Builds a PrimitiveBlock: a string table that grows as strings are used, then groups.
struct PrimitiveBlockBuilder {
    private(set) var strings: [String] = [""]
    private var groups: [[UInt8]] = []
    var granularity: Int64?
    var latitudeOffset: Int64?
    var longitudeOffset: Int64?

    /// The string-table index of `string`, adding it when new.
    mutating func index(_ string: String) -> UInt64 {
        if let found = strings.firstIndex(of: string) {
            return UInt64(found)
        }
        strings.append(string)
        return UInt64(strings.count - 1)
    }

    mutating func group(_ build: (inout ProtobufWriter, inout PrimitiveBlockBuilder) -> Void) {
        var writer = ProtobufWriter()
        build(&writer, &self)
        groups.append(writer.bytes)
    }

    /// Keys and values of `tags` as string indexes, in a stable order.
    mutating func tagIndexes(_ tags: KeyValuePairs<String, String>) -> (keys: [UInt64], values: [UInt64]) {
        (tags.map { index($0.key) }, tags.map { index($0.value) })
    }

    func build() -> [UInt8] {
        var w = ProtobufWriter()
        w.message(1) { table in strings.forEach { table.string(1, $0) } }
        groups.forEach { w.bytes(2, $0) }
        if let granularity { w.int(17, granularity) }
        w.int(18, 1000)
        if let latitudeOffset { w.int(19, latitudeOffset) }
        if let longitudeOffset { w.int(20, longitudeOffset) }
        return w.bytes
    }
}

/// The frames of a real PBF file as laid out on disk, parsed independently of the reader.
struct FrameLayout {
    var offset: Int
    var headerLength: Int
    var type: String
    var dataSize: Int
    var dataOffset: Int { offset + 4 + headerLength }
    var end: Int { dataOffset + dataSize }

    static func parse(_ bytes: [UInt8]) -> [FrameLayout] {
        var frames: [FrameLayout] = []
        var offset = 0
        while offset + 4 <= bytes.count {
            let length = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            var fields = SimpleFields(Array(bytes[(offset + 4)..<(offset + 4 + length)]))
            var type = ""
            var dataSize = 0
            while let (field, value) = fields.next() {
                switch (field, value) {
                case (1, .bytes(let data)): type = String(decoding: data, as: UTF8.self)
                case (3, .varint(let size)): dataSize = Int(size)
                default: break
                }
            }
            let frame = FrameLayout(offset: offset, headerLength: length, type: type, dataSize: dataSize)
            frames.append(frame)
            offset = frame.end
        }
        return frames
    }

    /// Where the zlib_data bytes of this frame's Blob start in the file, and how long they are.
    func zlibData(in bytes: [UInt8]) -> Range<Int>? {
        var fields = SimpleFields(Array(bytes[dataOffset..<end]))
        while let (field, value) = fields.next() {
            if field == 3, case .bytes(let data) = value {
                let start = dataOffset + fields.position - data.count
                return start..<(start + data.count)
            }
        }
        return nil
    }
}

/// A tiny protobuf field iterator for the test's own view of the framing.
struct SimpleFields {
    enum Value { case varint(UInt64), bytes([UInt8]) }
    let data: [UInt8]
    private(set) var position = 0

    init(_ data: [UInt8]) { self.data = data }

    private mutating func varint() -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = data[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    mutating func next() -> (Int, Value)? {
        guard position < data.count else { return nil }
        let key = varint()
        switch key & 7 {
        case 0:
            return (Int(key >> 3), .varint(varint()))
        case 2:
            let length = Int(varint())
            defer { position += length }
            return (Int(key >> 3), .bytes(Array(data[position..<(position + length)])))
        default:
            fatalError("unexpected wire type in test framing parser")
        }
    }
}
