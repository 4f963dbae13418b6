/// Reads a PostgreSQL binary COPY stream back into rows of raw field values, for tests that check
/// what the server stored (the archive has its own streaming reader; this one is small and strict).
enum BinaryCopyTuples {
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ bytes: [UInt8]) throws -> [[[UInt8]?]] {
        let signature: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00]
        guard bytes.count >= 21, Array(bytes.prefix(11)) == signature else { throw Malformed(description: "no PGCOPY signature") }
        var offset = 15 + 4 + Int(int32(bytes[15..<19]))
        var rows: [[[UInt8]?]] = []
        while true {
            guard offset + 2 <= bytes.count else { throw Malformed(description: "no trailer") }
            let fields = int16(bytes[offset..<offset + 2])
            offset += 2
            if fields == -1 { break }
            var row: [[UInt8]?] = []
            for _ in 0..<fields {
                guard offset + 4 <= bytes.count else { throw Malformed(description: "truncated field length") }
                let length = Int(int32(bytes[offset..<offset + 4]))
                offset += 4
                if length < 0 {
                    row.append(nil)
                    continue
                }
                guard offset + length <= bytes.count else { throw Malformed(description: "truncated field") }
                row.append(Array(bytes[offset..<offset + length]))
                offset += length
            }
            rows.append(row)
        }
        guard offset == bytes.count else { throw Malformed(description: "bytes after the trailer") }
        return rows
    }

    static func bigEndian<S: Collection<UInt8>>(_ bytes: S) -> UInt64 { bytes.reduce(0) { $0 << 8 | UInt64($1) } }
    static func int64(_ bytes: [UInt8]) -> Int64 { Int64(bitPattern: bigEndian(bytes)) }
    static func int32<S: Collection<UInt8>>(_ bytes: S) -> Int32 { Int32(truncatingIfNeeded: bigEndian(bytes)) }
    static func int16<S: Collection<UInt8>>(_ bytes: S) -> Int16 { Int16(truncatingIfNeeded: bigEndian(bytes)) }
    static func int16(_ bytes: [UInt8]) -> Int16 { Int16(truncatingIfNeeded: bigEndian(bytes)) }
    static func float32(_ bytes: [UInt8]) -> Float { Float(bitPattern: UInt32(truncatingIfNeeded: bigEndian(bytes))) }
    static func littleDouble(_ bytes: ArraySlice<UInt8>) -> Double { Double(bitPattern: bigEndian(bytes.reversed())) }
}
