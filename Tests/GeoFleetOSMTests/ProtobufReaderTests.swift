import Testing
@testable import GeoFleetOSM

/// The wire-level reader: varints, zigzag, lengths, skipping, and its bounds checks.
@Suite struct ProtobufReaderTests {
    /// Runs `body` on a reader over a copy of `bytes` that lives for the call.
    func reading<T>(_ bytes: [UInt8], _ body: (inout ProtobufReader) throws(ProtobufError) -> T) throws(ProtobufError) -> T {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        defer { buffer.deallocate() }
        buffer.copyBytes(from: bytes)
        var reader = ProtobufReader(UnsafeRawBufferPointer(buffer))
        return try body(&reader)
    }

    @Test func varints() throws {
        let cases: [([UInt8], UInt64)] = [
            ([0x00], 0), ([0x7F], 127), ([0x80, 0x01], 128), ([0xAC, 0x02], 300),
            ([0xFF, 0xFF, 0xFF, 0xFF, 0x0F], UInt64(UInt32.max)),
            ([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], UInt64.max),
        ]
        for (bytes, value) in cases {
            let (decoded, atEnd) = try reading(bytes) { reader throws(ProtobufError) in
                (try reader.readVarint(), reader.isAtEnd)
            }
            #expect(decoded == value && atEnd, "\(bytes)")
        }
        // int32 -1 is written sign-extended to 10 bytes.
        #expect(
            try reading([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]) { reader throws(ProtobufError) in
                try reader.readInt32()
            } == -1)
    }

    @Test func zigzag() {
        #expect(ProtobufReader.zigzagDecode(0) == 0)
        #expect(ProtobufReader.zigzagDecode(1) == -1)
        #expect(ProtobufReader.zigzagDecode(2) == 1)
        #expect(ProtobufReader.zigzagDecode(3) == -2)
        #expect(ProtobufReader.zigzagDecode(UInt64.max) == Int64.min)
        #expect(ProtobufReader.zigzagDecode(UInt64.max - 1) == Int64.max)
        for value: Int64 in [0, 1, -1, 63, -64, 1 << 40, -(1 << 40), .max, .min] {
            #expect(ProtobufReader.zigzagDecode(ProtobufWriter.zigzag(value)) == value)
        }
    }

    @Test("round trip of random sint64 values through the test encoder")
    func roundTrip() throws {
        var generator = SplitMix64(seed: 42)
        let values = (0..<2000).map { index -> Int64 in
            let raw = Int64(bitPattern: generator.next())
            return raw >> (index % 64) // all magnitudes
        }
        var writer = ProtobufWriter()
        writer.packedSInt(9, values)
        let decoded = try reading(writer.bytes) { reader throws(ProtobufError) -> [Int64] in
            let (field, wireType) = try reader.readTag()
            #expect(field == 9 && wireType == WireType.lengthDelimited)
            let range = try reader.readLengthDelimited()
            #expect(ProtobufReader.varintCount(in: reader.bytes, range: range) == values.count)
            var packed = ProtobufReader(reader.bytes, range: range)
            var out: [Int64] = []
            while !packed.isAtEnd { out.append(try packed.readSInt64()) }
            return out
        }
        #expect(decoded == values)
    }

    @Test("overlong, truncated and out-of-bounds data throw with a position")
    func errors() {
        #expect(throws: ProtobufError(reason: "varint longer than 10 bytes", position: 0)) {
            try reading([UInt8](repeating: 0xFF, count: 10) + [0x01]) { reader throws(ProtobufError) in try reader.readVarint() }
        }
        #expect(throws: ProtobufError(reason: "truncated varint", position: 1)) {
            try reading([0x08, 0x80, 0x80]) { reader throws(ProtobufError) in
                _ = try reader.readTag()
                return try reader.readVarint()
            }
        }
        #expect(throws: ProtobufError(reason: "truncated varint", position: 0)) {
            try reading([]) { reader throws(ProtobufError) in try reader.readVarint() }
        }
        #expect(throws: ProtobufError(reason: "length 5 runs past the end of the message (2 bytes left)", position: 1)) {
            try reading([0x0A, 0x05, 0x61, 0x62]) { reader throws(ProtobufError) in
                _ = try reader.readTag()
                return try reader.readLengthDelimited()
            }
        }
        #expect(throws: ProtobufError(reason: "invalid field number 0", position: 0)) {
            try reading([0x00, 0x01]) { reader throws(ProtobufError) in try reader.readTag() }
        }
        #expect(throws: ProtobufError(reason: "unsupported wire type 3", position: 1)) {
            try reading([0x0B, 0x00]) { reader throws(ProtobufError) in
                let (_, wireType) = try reader.readTag()
                try reader.skip(wireType: wireType)
            }
        }
        #expect(throws: ProtobufError(reason: "truncated fixed-width field", position: 1)) {
            try reading([0x09, 0x01, 0x02]) { reader throws(ProtobufError) in
                let (_, wireType) = try reader.readTag()
                try reader.skip(wireType: wireType)
            }
        }
    }

    @Test("skip passes over every supported wire type")
    func skipping() throws {
        var writer = ProtobufWriter()
        writer.uint(1, 300)
        writer.key(2, 1)
        writer.bytes += [UInt8](repeating: 0xEE, count: 8)
        writer.string(3, "skipped")
        writer.key(4, 5)
        writer.bytes += [1, 2, 3, 4]
        writer.sint(15, -42)
        let value = try reading(writer.bytes) { reader throws(ProtobufError) -> Int64 in
            for _ in 0..<4 {
                let (_, wireType) = try reader.readTag()
                try reader.skip(wireType: wireType)
            }
            let (field, _) = try reader.readTag()
            #expect(field == 15)
            return try reader.readSInt64()
        }
        #expect(value == -42)
    }

    @Test("string table: lazy lookup, caching, out-of-range index")
    func stringTable() throws {
        var writer = ProtobufWriter()
        for string in ["", "highway", "Pic de Noè", "highway"] { writer.string(1, string) }
        try reading(writer.bytes) { reader throws(ProtobufError) in
            var table = StringTable(reader.bytes, range: 0..<reader.end)
            #expect(try table.string(at: 2, position: 0) == "Pic de Noè")
            #expect(try table.string(at: 2, position: 0) == "Pic de Noè")
            #expect(try table.string(at: 0, position: 0) == "")
            #expect(try table.string(at: 3, position: 0) == "highway")
            #expect(throws: ProtobufError(reason: "string table index 4 out of range (table has 4 entries)", position: 9)) {
                try table.string(at: 4, position: 9)
            }
        }
    }
}
