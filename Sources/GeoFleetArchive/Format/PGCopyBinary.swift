/// Streaming reader of PostgreSQL's binary COPY format (header, tuples, trailer); it hands out each
/// tuple's raw bytes with its vehicle key and fix time, which is all that counting, verifying and
/// erasure-filtering need.
struct PGCopyBinaryScanner {
    static let signature: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00]
    /// Microseconds from the Unix epoch to PostgreSQL's 2000-01-01.
    static let postgresEpochMicros: Int64 = 946_684_800_000_000

    private var buffer: [UInt8] = []
    private var headerDone = false
    private(set) var trailerSeen = false
    /// The header bytes, for writers that re-emit the same stream.
    private(set) var header: [UInt8] = []

    /// Feeds bytes; `tuple` is called for every complete tuple (vehicle key, fix time in ms, raw bytes).
    mutating func consume(_ chunk: UnsafeRawBufferPointer, tuple: (Int64, Int64, UnsafeRawBufferPointer) throws -> Void) throws {
        buffer.append(contentsOf: chunk)
        var offset = 0
        try buffer.withUnsafeBytes { raw in
            if !headerDone {
                guard raw.count >= 19 else { return }
                guard raw.prefix(11).elementsEqual(Self.signature) else { throw ArchiveError.corrupt("not a PGCOPY stream") }
                let extensionLength = Int(Self.int32(raw, 15))
                guard raw.count >= 19 + extensionLength else { return }
                header = Array(raw[0..<(19 + extensionLength)])
                offset = 19 + extensionLength
                headerDone = true
            }
            while offset + 2 <= raw.count, !trailerSeen {
                let fields = Int(Self.int16(raw, offset))
                if fields == -1 {
                    trailerSeen = true
                    offset += 2
                    break
                }
                guard fields == ArchiveColumns.all.count else { throw ArchiveError.corrupt("tuple with \(fields) fields") }
                var cursor = offset + 2
                var key: Int64 = 0
                var fix: Int64 = 0
                var complete = true
                for field in 0..<fields {
                    guard cursor + 4 <= raw.count else { complete = false; break }
                    let length = Int(Self.int32(raw, cursor))
                    cursor += 4
                    if length < 0 { continue }
                    guard cursor + length <= raw.count else { complete = false; break }
                    if field == ArchiveColumns.vehicleKeyIndex { key = Self.int64(raw, cursor) }
                    if field == ArchiveColumns.fixTimeIndex {
                        let micros = Self.int64(raw, cursor) + Self.postgresEpochMicros
                        fix = micros >= 0 ? micros / 1000 : (micros - 999) / 1000
                    }
                    cursor += length
                }
                guard complete else { break }
                try tuple(key, fix, UnsafeRawBufferPointer(rebasing: raw[offset..<cursor]))
                offset = cursor
            }
        }
        if offset > 0 { buffer.removeFirst(offset) }
    }

    /// Throws unless the stream ended with its trailer and nothing after it.
    func finish() throws {
        guard headerDone, trailerSeen else { throw ArchiveError.corrupt("truncated COPY stream (no trailer)") }
        guard buffer.isEmpty else { throw ArchiveError.corrupt("\(buffer.count) bytes after the trailer") }
    }

    static let trailer: [UInt8] = [0xFF, 0xFF]

    private static func int16(_ raw: UnsafeRawBufferPointer, _ at: Int) -> Int16 {
        Int16(bitPattern: UInt16(raw[at]) << 8 | UInt16(raw[at + 1]))
    }

    private static func int32(_ raw: UnsafeRawBufferPointer, _ at: Int) -> Int32 {
        var v: UInt32 = 0
        for i in 0..<4 { v = v << 8 | UInt32(raw[at + i]) }
        return Int32(bitPattern: v)
    }

    private static func int64(_ raw: UnsafeRawBufferPointer, _ at: Int) -> Int64 {
        var v: UInt64 = 0
        for i in 0..<8 { v = v << 8 | UInt64(raw[at + i]) }
        return Int64(bitPattern: v)
    }
}
