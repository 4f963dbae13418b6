import Foundation
import GeoFleetLibPQ
import GeoFleetPlatform
import GeoFleetPostGIS
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Exports one partition through several binary `COPY … TO STDOUT` streams at once, one per range
/// of vehicle keys, all reading the same snapshot (exported by a coordinating transaction, as
/// pg_dump's parallel mode does). Each stream feeds its own `zstd`; the compressed parts are joined
/// in key order into one file, which is one valid binary COPY stream in `vehicle_key, fix_time`
/// order (zstd frames concatenate; the parts' inner headers and trailers are cut on the way).
/// Blocking: call from `Blocking.onThreadPool`.
enum ParallelExport {
    /// Bytes of the binary COPY header PostgreSQL writes (signature, flags, no extension).
    static let headerLength = 19
    static let idleTimeout: Duration = .seconds(300)

    /// Rows one COPY sorts at most (about 100 MB of sort memory, under `sortMemory`): a range of a
    /// large partition is cut into several COPYs run one after another, each sorted in memory.
    static let rowsPerSort = 500_000
    /// `work_mem` of the export sessions.
    static let sortMemory = "256MB"

    /// Exports `table` (about `rows` rows) to `output` over `streams` connections, at most about
    /// `rowsPerSort` rows per COPY; sealed with `key` when given (`ArchiveCipherFormat`).
    static func export(
        table: String, endpoint: DatabaseEndpoint, streams: Int, rows: Int, rowsPerSort: Int = Self.rowsPerSort, to output: String,
        sealWith key: ArchiveKeyring.Entry? = nil
    ) throws {
        let parameters = endpoint.libpqParameters(applicationName: "geofleet-archive")
        let coordinator = try LibPQConnection(parameters: parameters, deadline: .now + .seconds(30))
        defer { coordinator.close() }
        let deadline = ContinuousClock.now + .seconds(60)
        try coordinator.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", deadline: deadline)
        guard let snapshot = try coordinator.execute("SELECT pg_export_snapshot()", deadline: deadline).scalar else {
            throw ArchiveError.command("pg_export_snapshot", "no snapshot")
        }
        let bounds = try coordinator.execute(
            "SELECT min(vehicle_key), max(vehicle_key) FROM \(QuotedIdentifier.sql(table))", deadline: deadline
        ).rows.first
        // Consecutive key ranges, as many per stream as keep each sort in memory; stream i takes the
        // i-th run of them, so the parts join in key order.
        let perStream = max(1, (rows / max(1, streams) + rowsPerSort - 1) / max(1, rowsPerSort))
        let all = keyRanges(min: bounds?[0].flatMap { Int64($0) }, max: bounds?[1].flatMap { Int64($0) }, streams: streams * perStream)
        let ranges = stride(from: 0, to: all.count, by: perStream).map { Array(all[$0..<min($0 + perStream, all.count)]) }
        let parts = ranges.indices.map { output + ".part\($0)" }
        // Parts of an encrypted export are sealed too, with a key that lives only in this process.
        let partKeys = key.map { _ in ArchiveKeyring.ephemeral() }
        defer { for part in parts { unlink(part) } }

        let failures = FirstFailure()
        let done = DispatchGroup()
        for (index, range) in ranges.enumerated() {
            done.enter()
            Blocking.startThread(name: "geofleet-archive-\(index)") {
                defer { done.leave() }
                do {
                    try exportRanges(
                        table: table, ranges: range, snapshot: snapshot, parameters: parameters, to: parts[index],
                        first: index == 0, last: index == ranges.count - 1, sealWith: partKeys?.current)
                } catch {
                    failures.record(error)
                }
            }
        }
        done.wait()
        try coordinator.execute("COMMIT", deadline: .now + .seconds(30))
        if let failure = failures.first { throw failure }
        try concatenate(parts, into: output, partKeys: partKeys, sealWith: key)
    }

    /// `streams` consecutive key ranges splitting [min, max] evenly (keys are dense identities); one
    /// unbounded range for an empty table.
    static func keyRanges(min: Int64?, max: Int64?, streams: Int) -> [ClosedRange<Int64>] {
        guard let low = min, let high = max, streams > 1, high > low else { return [Int64.min...Int64.max] }
        let span = UInt64(bitPattern: high &- low)
        let keys = span == .max ? span : span + 1
        let count = UInt64(Swift.min(UInt64(streams), keys))
        let step = keys / count
        // Range i starts at low + step·i; the first and last reach out to every key.
        var ranges: [ClosedRange<Int64>] = []
        var start = Int64.min
        for i in 1..<count {
            let next = low &+ Int64(bitPattern: step &* i)
            ranges.append(start...(next - 1))
            start = next
        }
        ranges.append(start...Int64.max)
        return ranges
    }

    /// One stream: its key ranges in key order, one COPY each, from the shared snapshot, through one
    /// zstd into `part`. Only the first stream's first COPY keeps its header, only the last stream's
    /// last COPY its trailer.
    private static func exportRanges(
        table: String, ranges: [ClosedRange<Int64>], snapshot: String, parameters: [(String, String)], to part: String,
        first: Bool, last: Bool, sealWith key: ArchiveKeyring.Entry?
    ) throws {
        let connection = try LibPQConnection(parameters: parameters, deadline: .now + .seconds(30))
        defer { connection.close() }
        let deadline = ContinuousClock.now + .seconds(60)
        try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", deadline: deadline)
        try connection.execute("SET TRANSACTION SNAPSHOT '\(snapshot.filter { $0.isLetter || $0.isNumber || $0 == "-" })'", deadline: deadline)
        try connection.execute("SET LOCAL work_mem = '\(sortMemory)'", deadline: deadline)
        let zstd = try ZstdCompressor(output: part, sealWith: key)
        var failure: (any Error)?
        do {
            for (index, range) in ranges.enumerated() {
                var cutter = StreamCutter(
                    skip: first && index == 0 ? 0 : headerLength, holdBack: last && index == ranges.count - 1 ? 0 : 2)
                let sql = """
                    COPY (SELECT \(ArchiveColumns.sqlList) FROM \(QuotedIdentifier.sql(table))
                    WHERE vehicle_key BETWEEN \(range.lowerBound) AND \(range.upperBound) ORDER BY \(ArchivePipelines.exportOrder)) TO STDOUT (FORMAT binary)
                    """
                try connection.copyOut(sql, idleTimeout: idleTimeout) { chunk in
                    try cutter.pass(chunk) { try zstd.write($0) }
                }
                try cutter.finish()
            }
            try connection.execute("COMMIT", deadline: .now + .seconds(30))
        } catch {
            failure = error
        }
        try zstd.finish(after: failure)
    }

    /// Appends the parts, in order, into `output` (created private); sealed parts are opened with
    /// `partKeys` and the whole is sealed again with `key`.
    private static func concatenate(_ parts: [String], into output: String, partKeys: ArchiveKeyring?, sealWith key: ArchiveKeyring.Entry?)
        throws
    {
        let out = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard out >= 0 else { throw ArchiveError.io("create \(output)", errno) }
        defer { close(out) }
        var sealer = key.map { ArchiveSealer(keyID: $0.id, key: $0.key) }
        let emit: (UnsafeRawBufferPointer) throws -> Void = { try writeAll(out, $0, to: output) }
        let forward: (UnsafeRawBufferPointer) throws -> Void = { bytes in
            if sealer != nil { try sealer!.write(bytes, emit: emit) } else { try emit(bytes) }
        }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        for (index, part) in parts.enumerated() {
            var opener = partKeys.map { ArchiveOpener(label: "export part \(index)", keys: $0) }
            let input = open(part, O_RDONLY | O_CLOEXEC)
            guard input >= 0 else { throw ArchiveError.io("open \(part)", errno) }
            defer { close(input) }
            while true {
                let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress!, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ArchiveError.io("read \(part)", errno)
                }
                if n == 0 { break }
                try buffer.withUnsafeBytes { raw in
                    let bytes = UnsafeRawBufferPointer(rebasing: raw[0..<n])
                    if opener != nil { try opener!.consume(bytes, plaintext: forward) } else { try forward(bytes) }
                }
            }
            try opener?.finish(plaintext: forward)
        }
        try sealer?.finish(emit: emit)
    }
}

/// Cuts a binary COPY stream's header (checked against PostgreSQL's) and trailer (`FF FF`) so that
/// parts can be joined into one stream.
struct StreamCutter {
    private var skip: Int
    private var skipped: [UInt8] = []
    private let holdBack: Int
    private var held: [UInt8] = []

    init(skip: Int, holdBack: Int) {
        self.skip = skip
        self.holdBack = holdBack
    }

    mutating func pass(_ chunk: UnsafeRawBufferPointer, _ emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        var bytes = chunk[...]
        if skip > 0 {
            let cut = min(skip, bytes.count)
            skipped.append(contentsOf: bytes.prefix(cut))
            bytes = bytes.dropFirst(cut)
            skip -= cut
            if skip == 0 {
                let expected = PGCopyBinaryScanner.signature + [0, 0, 0, 0, 0, 0, 0, 0]
                guard skipped == expected else { throw ArchiveError.corrupt("unexpected binary COPY header from the server") }
            }
        }
        if holdBack == 0 {
            try emit(UnsafeRawBufferPointer(rebasing: bytes))
            return
        }
        // Only the last `holdBack` bytes seen so far are held; everything before them goes out.
        if bytes.count >= holdBack {
            if !held.isEmpty { try held.withUnsafeBytes { try emit($0) } }
            try emit(UnsafeRawBufferPointer(rebasing: bytes.dropLast(holdBack)))
            held = Array(bytes.suffix(holdBack))
        } else {
            held.append(contentsOf: bytes)
            if held.count > holdBack {
                let ready = held.count - holdBack
                try held.withUnsafeBytes { try emit(UnsafeRawBufferPointer(rebasing: $0[0..<ready])) }
                held.removeFirst(ready)
            }
        }
    }

    /// Checks that what was held back is the trailer.
    func finish() throws {
        guard skip == 0, held == Array([UInt8](repeating: 0xFF, count: holdBack)) else {
            throw ArchiveError.corrupt("binary COPY stream without its trailer")
        }
    }
}

/// The first error any of several threads met.
private final class FirstFailure: Sendable {
    private let error = Mutex<(any Error)?>(nil)

    func record(_ error: any Error) { self.error.withLock { $0 = $0 ?? error } }

    var first: (any Error)? { error.withLock { $0 } }
}
