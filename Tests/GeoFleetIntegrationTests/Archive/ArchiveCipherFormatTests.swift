import Crypto
import Foundation
@testable import GeoFleetArchive
import GeoFleetTestSupport
import Logging
import Synchronization
import Testing

/// The sealed chunk format without PostgreSQL: round trips at the chunk boundaries, and every kind
/// of reordering, truncation and swapping fails authentication.
@Suite("Archive cipher format")
struct ArchiveCipherFormatTests {
    static let chunk = 16
    static let keys = try! ArchiveKeyring.parse("k1 \(Data(repeating: 7, count: 32).base64EncodedString())\n", source: "test")

    static func seal(_ plain: [UInt8], keys: ArchiveKeyring = keys, piece: Int = 5) throws -> [UInt8] {
        let key = try #require(keys.current)
        var sealer = ArchiveSealer(keyID: key.id, key: key.key, chunkBytes: chunk)
        var out: [UInt8] = []
        var offset = 0
        while offset < plain.count {
            let end = min(offset + piece, plain.count)
            try plain[offset..<end].withUnsafeBytes { try sealer.write($0) { out.append(contentsOf: $0) } }
            offset = end
        }
        try sealer.finish { out.append(contentsOf: $0) }
        return out
    }

    static func open(_ sealed: [UInt8], keys: ArchiveKeyring = keys, piece: Int = 3) throws -> [UInt8] {
        var opener = ArchiveOpener(label: "positions_p20261001", keys: keys, expectedKeyID: "k1", expectedChunkBytes: chunk)
        var out: [UInt8] = []
        var offset = 0
        while offset < sealed.count {
            let end = min(offset + piece, sealed.count)
            try sealed[offset..<end].withUnsafeBytes { try opener.consume($0) { out.append(contentsOf: $0) } }
            offset = end
        }
        try opener.finish { out.append(contentsOf: $0) }
        return out
    }

    static func header(_ sealed: [UInt8]) -> Int { 8 + 2 + 2 + 4 + 8 } // magic, version, id length, "k1", chunk size, prefix
    static let record = chunk + 16

    func message(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test("round trips at 0, 1, chunk-1, chunk, chunk+1 and many chunks, however the bytes are split", arguments: [0, 1, 15, 16, 17, 32, 33, 100])
    func roundTrip(size: Int) throws {
        let plain = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        for (sealPiece, openPiece) in [(1, 1), (5, 3), (1000, 1000), (16, 32)] {
            let sealed = try Self.seal(plain, piece: sealPiece)
            // Header, then one record per chunk: full ones, and a last one of 0...chunk bytes.
            let chunks = max(1, (size + Self.chunk - 1) / Self.chunk)
            #expect(sealed.count == Self.header(sealed) + size + 16 * chunks)
            #expect(try Self.open(sealed, piece: openPiece) == plain, "size \(size), pieces \(sealPiece)/\(openPiece)")
        }
        if size >= 8 {
            let sealed = try Self.seal(plain)
            #expect(!sealed.starts(with: plain.prefix(8)) && sealed.firstRange(of: plain.prefix(8)) == nil, "no plaintext in the file")
        }
    }

    @Test("two files of the same bytes differ (a fresh nonce prefix each)")
    func freshPrefix() throws {
        let plain = [UInt8](repeating: 1, count: 40)
        #expect(try Self.seal(plain) != Self.seal(plain))
    }

    @Test("reordered, truncated, extended, swapped or flipped chunks fail authentication")
    func tamperingIsDetected() throws {
        let plain = (0..<70).map { UInt8($0) } // 4 full chunks and a 6-byte last one
        let sealed = try Self.seal(plain)
        let h = Self.header(sealed)
        let r = Self.record

        var swapped = sealed
        swapped.replaceSubrange(h..<(h + r), with: sealed[(h + r)..<(h + 2 * r)])
        swapped.replaceSubrange((h + r)..<(h + 2 * r), with: sealed[h..<(h + r)])
        #expect(message { _ = try Self.open(swapped) }.contains("chunk 0 of positions_p20261001 failed authentication"))

        // Cut at a chunk boundary: the new last chunk was sealed as "not last".
        let cutAtBoundary = Array(sealed[0..<(h + 2 * r)])
        #expect(message { _ = try Self.open(cutAtBoundary) }.contains("chunk 1 of positions_p20261001 failed authentication"))
        let cutInside = Array(sealed.dropLast(3))
        #expect(message { _ = try Self.open(cutInside) }.contains("chunk 4 of positions_p20261001 failed authentication"))
        let dropLastChunk = Array(sealed.dropLast(6 + 16))
        #expect(message { _ = try Self.open(dropLastChunk) }.contains("failed authentication"))
        #expect(message { _ = try Self.open(Array(sealed.prefix(h))) }.contains("truncated"))
        #expect(message { _ = try Self.open(Array(sealed.prefix(10))) }.contains("truncated"))
        #expect(message { _ = try Self.open([]) }.contains("truncated"))
        #expect(message { _ = try Self.open(sealed + [0]) }.contains("failed authentication"))

        var flipped = sealed
        flipped[h + 3 * r + 5] ^= 0x01
        #expect(message { _ = try Self.open(flipped) }.contains("chunk 3 of positions_p20261001 failed authentication"))

        // The same chunk position from another file under the same key.
        let other = try Self.seal(plain)
        var mixed = sealed
        mixed.replaceSubrange((h + r)..<(h + 2 * r), with: other[(h + r)..<(h + 2 * r)])
        #expect(message { _ = try Self.open(mixed) }.contains("chunk 1 of positions_p20261001 failed authentication"))

        // A header edited to claim a shorter chunk size no longer matches the manifest.
        var header = sealed
        header[h - 8 - 1] = 8
        #expect(message { _ = try Self.open(header) }.contains("manifest says 16"))
    }

    @Test("a key the keyring lacks, or a different key under the same id, is refused")
    func keys() throws {
        let sealed = try Self.seal(Array(repeating: 9, count: 20))
        let other = try ArchiveKeyring.parse("k2 \(String(repeating: "ab", count: 32))", source: "test")
        #expect(
            message { _ = try Self.open(sealed, keys: other) }
                == "archive positions_p20261001 is encrypted with key 'k1', which GEOFLEET_ARCHIVE_KEY_FILE does not hold")
        #expect(message { _ = try Self.open(sealed, keys: .none) }.contains("does not hold"))
        let impostor = try ArchiveKeyring.parse("k1 \(Data(repeating: 8, count: 32).base64EncodedString())", source: "test")
        #expect(message { _ = try Self.open(sealed, keys: impostor) }.contains("chunk 0 of positions_p20261001 failed authentication"))
        #expect(message { _ = try Self.open(Array(repeating: 0, count: 80)) }.contains("not an encrypted archive"))
    }

    @Test("key files: comments, blank lines, base64 and hex; the first key is current")
    func keyFile() throws {
        let text = """
            # rotated 2026-12
            k2 \(String(repeating: "0f", count: 32))

              k1\t\(Data(repeating: 7, count: 32).base64EncodedString())  \r
            """
        let keys = try ArchiveKeyring.parse(text, source: "keys")
        #expect(keys.entries.map(\.id) == ["k2", "k1"])
        #expect(keys.current?.id == "k2")
        #expect(keys.key(id: "k1") == Self.keys.key(id: "k1"))
        #expect(try ArchiveKeyring.parse("\n# nothing\n", source: "keys").current == nil)
    }

    @Test("bad key file lines name their line and never echo the key")
    func badKeyFiles() {
        let secret = Data(repeating: 3, count: 31).base64EncodedString()
        let cases: [(String, String)] = [
            ("# c\nk1 \(secret)\n", "line 2: key of 'k1' is not 32 bytes"),
            ("k1\n", "line 1: expected `<keyId> <key>`"),
            ("\n\nk/1 \(String(repeating: "00", count: 32))\n", "line 3: key id must be"),
            ("k1 \(String(repeating: "00", count: 32))\nk1 \(String(repeating: "11", count: 32))\n", "line 2: key id 'k1' appears twice"),
            ("k1 \(String(repeating: "zz", count: 32))\n", "line 1: key of 'k1' is not 32 bytes"),
            ("k1 a b\n", "line 1: expected"),
        ]
        for (text, expected) in cases {
            let got = message { _ = try ArchiveKeyring.parse(text, source: "/etc/geofleet/keys") }
            #expect(got.contains(expected), "\(got)")
            #expect(got.contains("GEOFLEET_ARCHIVE_KEY_FILE /etc/geofleet/keys"))
            #expect(!got.contains(secret) && !got.contains("zzzz") && !got.contains("0000"))
        }
    }

    @Test("keygen lines parse back as one 32-byte key")
    func keygen() throws {
        let line = ArchiveKeyring.newKeyLine(id: "k9")
        let keys = try ArchiveKeyring.parse(line, source: "keygen")
        #expect(keys.current?.id == "k9")
        #expect(ArchiveKeyring.newKeyLine(id: "k9") != line)
    }

    @Test("a key file others may read loads with a warning; a missing one is a clear error")
    func keyFilePermissions() throws {
        let directory = try TemporaryDirectory(prefix: "archive-keys")
        defer { directory.remove() }
        let path = try directory.write(Array(ArchiveKeyring.newKeyLine(id: "k1").utf8), to: "keys")
        let warnings = CapturedWarnings()
        let logger = Logger(label: "keys") { _ in warnings }
        chmod(path, 0o600)
        #expect(try ArchiveKeyring.load(path: path, logger: logger).current?.id == "k1")
        #expect(warnings.messages.isEmpty)
        chmod(path, 0o644)
        #expect(try ArchiveKeyring.load(path: path, logger: logger).current?.id == "k1")
        #expect(warnings.messages == ["the archive key file is readable by group or others; chmod 600 it"])
        let missing = message { _ = try ArchiveKeyring.load(path: directory.path + "/none", logger: logger) }
        #expect(missing.hasPrefix("GEOFLEET_ARCHIVE_KEY_FILE \(directory.path)/none: "))
    }
}

/// A log handler that keeps the messages of warnings and worse.
final class CapturedWarnings: LogHandler, Sendable {
    private let captured = Mutex<[String]>([])
    var messages: [String] { captured.withLock { $0 } }

    func log(event: LogEvent) {
        guard event.level >= .warning else { return }
        captured.withLock { $0.append(event.message.description) }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }
    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }
    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }
}
