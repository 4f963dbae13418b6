/// A minimal protobuf encoder for building PBF test data by hand.
struct ProtobufWriter {
    var bytes: [UInt8] = []

    static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func key(_ field: Int, _ wireType: UInt8) {
        varint(UInt64(field) << 3 | UInt64(wireType))
    }

    /// uint32/uint64/enum/bool field.
    mutating func uint(_ field: Int, _ value: UInt64) {
        key(field, 0)
        varint(value)
    }

    /// int32/int64 field (negative values take 10 bytes).
    mutating func int(_ field: Int, _ value: Int64) {
        key(field, 0)
        varint(UInt64(bitPattern: value))
    }

    /// sint32/sint64 field.
    mutating func sint(_ field: Int, _ value: Int64) {
        key(field, 0)
        varint(Self.zigzag(value))
    }

    mutating func bytes(_ field: Int, _ data: [UInt8]) {
        key(field, 2)
        varint(UInt64(data.count))
        bytes += data
    }

    mutating func string(_ field: Int, _ value: String) {
        bytes(field, Array(value.utf8))
    }

    mutating func message(_ field: Int, _ build: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        build(&inner)
        bytes(field, inner.bytes)
    }

    mutating func packedUInt(_ field: Int, _ values: [UInt64]) {
        var inner = ProtobufWriter()
        values.forEach { inner.varint($0) }
        bytes(field, inner.bytes)
    }

    mutating func packedSInt(_ field: Int, _ values: [Int64]) {
        packedUInt(field, values.map(Self.zigzag))
    }

    /// Packed sint64 of the deltas of `values` (how PBF stores ids, refs and coordinates).
    mutating func packedDelta(_ field: Int, _ values: [Int64]) {
        var previous: Int64 = 0
        packedSInt(
            field,
            values.map { value in
                defer { previous = value }
                return value - previous
            })
    }
}

/// zlib streams made of deflate "stored" blocks: valid zlib without needing a compressor.
enum StoredZlib {
    static func compress(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var start = 0
        repeat {
            let end = min(start + 65_535, data.count)
            let isLast = end == data.count
            let length = UInt16(end - start)
            out.append(isLast ? 1 : 0) // BFINAL, BTYPE = 00 (stored)
            out += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
            out += data[start..<end]
            start = end
        } while start < data.count
        let adler = adler32(data)
        out += [UInt8(adler >> 24), UInt8(adler >> 16 & 0xFF), UInt8(adler >> 8 & 0xFF), UInt8(adler & 0xFF)]
        return out
    }

    static func adler32(_ data: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return b << 16 | a
    }
}
