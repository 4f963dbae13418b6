import Crypto
import Foundation

/// The at-rest encryption of an archive data file: zstd's output sealed with AES-256-GCM in chunks,
/// so files of any size stream through a fixed buffer and every chunk is checked before use.
///
///     header  = magic "GFARCAES" | version u8 (1) | key id length u8 | key id (ASCII)
///               | chunk bytes u32 BE | nonce prefix (8 random bytes, new for every file)
///     chunk i = AES-256-GCM(plaintext_i) ciphertext | 16-byte tag
///               nonce = nonce prefix | i as u32 BE
///               additional data = header | i as u64 BE | last flag u8 (1 on the final chunk)
///
/// Every chunk but the last holds exactly `chunk bytes` of plaintext; the last holds 0...chunk bytes
/// (an empty stream is one empty last chunk). The header in the additional data binds each chunk to
/// its file (the random prefix differs per file), the index to its place, the flag to the end: a
/// reordered, swapped, truncated or extended file fails authentication.
public enum ArchiveCipherFormat {
    /// The manifest's name for it.
    public static let algorithm = "AES-256-GCM"
    /// The layout, in words, for the manifest.
    public static let layout =
        "header: \"GFARCAES\", version 1, key id length u8, key id, chunk bytes u32 BE, 8-byte random nonce prefix; "
        + "then chunks of chunk bytes plaintext (the last 0...chunk bytes), each ciphertext + 16-byte tag, "
        + "nonce = prefix | chunk index u32 BE, additional data = header | chunk index u64 BE | last-chunk flag u8"
    static let magic: [UInt8] = Array("GFARCAES".utf8)
    static let version: UInt8 = 1
    static let tagBytes = 16
    static let prefixBytes = 8
    /// 1 MiB of plaintext per chunk: the tag costs 0.0015 %, and reading holds about two chunks.
    public static let defaultChunkBytes = 1 << 20
    /// What a reader accepts (a larger value in a forged header would be a large allocation).
    static let chunkByteRange = 1...(64 << 20)
    /// The counter is 32 bits; with 1 MiB chunks that is 4 PiB per file.
    static let maxChunks = UInt64(UInt32.max)

    /// The header's bytes.
    static func header(keyID: String, chunkBytes: Int, noncePrefix: [UInt8]) -> [UInt8] {
        var bytes = magic
        bytes.append(version)
        let id = Array(keyID.utf8)
        bytes.append(UInt8(id.count))
        bytes += id
        bytes += withUnsafeBytes(of: UInt32(chunkBytes).bigEndian) { Array($0) }
        bytes += noncePrefix
        return bytes
    }

    static func nonce(prefix: [UInt8], index: UInt64) throws -> AES.GCM.Nonce {
        try AES.GCM.Nonce(data: prefix + withUnsafeBytes(of: UInt32(truncatingIfNeeded: index).bigEndian) { Array($0) })
    }

    static func additionalData(header: [UInt8], index: UInt64, last: Bool) -> [UInt8] {
        header + withUnsafeBytes(of: index.bigEndian) { Array($0) } + [last ? 1 : 0]
    }
}

/// Encrypts a byte stream into the chunk format; feed it, then `finish()`. Pure (no I/O): `emit`
/// receives the file's bytes in order.
struct ArchiveSealer {
    private let key: SymmetricKey
    private let chunkBytes: Int
    let header: [UInt8]
    private let prefix: [UInt8]
    private var pending: [UInt8] = []
    private var index: UInt64 = 0
    private var headerEmitted = false

    init(keyID: String, key: SymmetricKey, chunkBytes: Int = ArchiveCipherFormat.defaultChunkBytes) {
        precondition(ArchiveCipherFormat.chunkByteRange.contains(chunkBytes))
        self.key = key
        self.chunkBytes = chunkBytes
        var generator = SystemRandomNumberGenerator()
        prefix = (0..<ArchiveCipherFormat.prefixBytes).map { _ in UInt8.random(in: 0...255, using: &generator) }
        header = ArchiveCipherFormat.header(keyID: keyID, chunkBytes: chunkBytes, noncePrefix: prefix)
        pending.reserveCapacity(chunkBytes * 2)
    }

    /// Seals every complete chunk that is known not to be the last (one more byte has arrived).
    mutating func write(_ bytes: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        try emitHeader(emit)
        pending.append(contentsOf: bytes)
        var start = 0
        while pending.count - start > chunkBytes {
            try seal(start..<(start + chunkBytes), last: false, emit: emit)
            start += chunkBytes
        }
        if start > 0 { pending.removeFirst(start) }
    }

    /// Seals what is left as the last chunk (an empty stream gets one empty last chunk).
    mutating func finish(emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        try emitHeader(emit)
        try seal(0..<pending.count, last: true, emit: emit)
        pending = []
    }

    private mutating func emitHeader(_ emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard !headerEmitted else { return }
        headerEmitted = true
        try header.withUnsafeBytes { try emit($0) }
    }

    private mutating func seal(_ range: Range<Int>, last: Bool, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard index < ArchiveCipherFormat.maxChunks else { throw ArchiveError.io("archive larger than the chunk counter allows", EFBIG) }
        let box = try AES.GCM.seal(
            pending[range], using: key, nonce: try ArchiveCipherFormat.nonce(prefix: prefix, index: index),
            authenticating: ArchiveCipherFormat.additionalData(header: header, index: index, last: last))
        try box.ciphertext.withUnsafeBytes { try emit($0) }
        try box.tag.withUnsafeBytes { try emit($0) }
        index += 1
    }
}

/// Decrypts the chunk format as its bytes arrive; pure (no I/O). `label` names the archive in
/// errors; `expect` is what the manifest says the header must hold.
struct ArchiveOpener {
    private let label: String
    private let keys: ArchiveKeyring
    private let expectedKeyID: String?
    private let expectedChunkBytes: Int?
    private var buffer: [UInt8] = []
    private var header: [UInt8]?
    private var key: SymmetricKey?
    private var chunkBytes = 0
    private var prefix: [UInt8] = []
    private var index: UInt64 = 0
    private(set) var finished = false

    init(label: String, keys: ArchiveKeyring, expectedKeyID: String? = nil, expectedChunkBytes: Int? = nil) {
        self.label = label
        self.keys = keys
        self.expectedKeyID = expectedKeyID
        self.expectedChunkBytes = expectedChunkBytes
    }

    private var recordBytes: Int { chunkBytes + ArchiveCipherFormat.tagBytes }

    /// Feeds file bytes; `plaintext` gets every chunk that authenticated. A chunk is opened only
    /// once a byte after it has arrived: until then it may be the last.
    mutating func consume(_ bytes: UnsafeRawBufferPointer, plaintext: (UnsafeRawBufferPointer) throws -> Void) throws {
        buffer.append(contentsOf: bytes)
        if header == nil { try parseHeader() }
        guard header != nil else { return }
        var start = 0
        while buffer.count - start > recordBytes {
            try open(start..<(start + recordBytes), last: false, plaintext: plaintext)
            start += recordBytes
        }
        if start > 0 { buffer.removeFirst(start) }
    }

    /// The end of the file: what is left must be the last chunk.
    mutating func finish(plaintext: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard header != nil else { throw ArchiveError.corrupt("\(label) is truncated (incomplete encryption header)") }
        guard buffer.count >= ArchiveCipherFormat.tagBytes else {
            throw ArchiveError.corrupt("\(label) is truncated (chunk \(index) incomplete)")
        }
        try open(0..<buffer.count, last: true, plaintext: plaintext)
        buffer = []
        finished = true
    }

    private mutating func parseHeader() throws {
        let magic = ArchiveCipherFormat.magic
        let fixed = magic.count + 2
        if buffer.count >= magic.count, !buffer.prefix(magic.count).elementsEqual(magic) {
            throw ArchiveError.corrupt("\(label) is not an encrypted archive (no GFARCAES header)")
        }
        guard buffer.count >= fixed else { return }
        guard buffer[magic.count] == ArchiveCipherFormat.version else {
            throw ArchiveError.corrupt("\(label): unknown encryption format version \(buffer[magic.count])")
        }
        let idLength = Int(buffer[magic.count + 1])
        let total = fixed + idLength + 4 + ArchiveCipherFormat.prefixBytes
        guard buffer.count >= total else { return }
        guard let keyID = String(bytes: buffer[fixed..<(fixed + idLength)], encoding: .utf8), ArchiveKeyring.isKeyID(keyID) else {
            throw ArchiveError.corrupt("\(label): malformed key id in the encryption header")
        }
        let size = buffer[(fixed + idLength)..<(fixed + idLength + 4)].reduce(0) { $0 << 8 | Int($1) }
        guard ArchiveCipherFormat.chunkByteRange.contains(size) else { throw ArchiveError.corrupt("\(label): chunk size \(size) out of range") }
        if let expectedKeyID, keyID != expectedKeyID {
            throw ArchiveError.corrupt("\(label) is sealed with key '\(keyID)', its manifest says '\(expectedKeyID)'")
        }
        if let expectedChunkBytes, size != expectedChunkBytes {
            throw ArchiveError.corrupt("\(label) has \(size)-byte chunks, its manifest says \(expectedChunkBytes)")
        }
        guard let key = keys.key(id: keyID) else { throw ArchiveError.missingKey(archive: label, keyID: keyID) }
        self.key = key
        chunkBytes = size
        prefix = Array(buffer[(total - ArchiveCipherFormat.prefixBytes)..<total])
        header = Array(buffer[0..<total])
        buffer.removeFirst(total)
    }

    private mutating func open(_ range: Range<Int>, last: Bool, plaintext: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let header, let key else { return }
        guard !finished, index < ArchiveCipherFormat.maxChunks else { throw ArchiveError.corrupt("\(label): data after the last chunk") }
        let opened: Data
        do {
            let record = buffer[range]
            let box = try AES.GCM.SealedBox(
                nonce: try ArchiveCipherFormat.nonce(prefix: prefix, index: index),
                ciphertext: record.dropLast(ArchiveCipherFormat.tagBytes), tag: record.suffix(ArchiveCipherFormat.tagBytes))
            opened = try AES.GCM.open(box, using: key, authenticating: ArchiveCipherFormat.additionalData(header: header, index: index, last: last))
        } catch {
            throw ArchiveError.corrupt("chunk \(index) of \(label) failed authentication (tampered, truncated or reordered)")
        }
        index += 1
        try opened.withUnsafeBytes { try plaintext($0) }
    }
}
