import Crypto
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// The archive encryption keys of `GEOFLEET_ARCHIVE_KEY_FILE`: the first one seals new archives,
/// all of them open existing ones (rotation). Empty: archives are written plaintext.
public struct ArchiveKeyring: Sendable {
    /// One named 256-bit key.
    public struct Entry: Sendable {
        public let id: String
        let key: SymmetricKey
    }

    public let entries: [Entry]

    /// No key file: plaintext archives.
    public static let none = ArchiveKeyring(entries: [])

    init(entries: [Entry]) {
        self.entries = entries
    }

    /// The key new archives are sealed with; nil writes plaintext.
    public var current: Entry? { entries.first }

    func key(id: String) -> SymmetricKey? { entries.first { $0.id == id }?.key }

    /// Key ids: 1 to 64 of `A-Z a-z 0-9 . _ -` (they go into file headers, manifests and messages).
    public static func isKeyID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count)
            && id.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) }
    }

    /// Reads a key file; `logger` gets a warning when group or others may read it.
    public static func load(path: String, logger: Logger) throws -> ArchiveKeyring {
        var info = stat()
        guard stat(path, &info) == 0 else { throw ArchiveError.keyFile("GEOFLEET_ARCHIVE_KEY_FILE \(path): \(String(cString: strerror(errno)))") }
        if info.st_mode & 0o077 != 0 {
            logger.warning(
                "the archive key file is readable by group or others; chmod 600 it",
                metadata: ["path": "\(path)", "mode": "\(String(info.st_mode & 0o777, radix: 8))"])
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ArchiveError.keyFile("GEOFLEET_ARCHIVE_KEY_FILE \(path) is not readable UTF-8 text")
        }
        return try parse(text, source: path)
    }

    /// One `<keyId> <key>` per line, the key 32 bytes as base64 or 64 hex digits; blank lines and
    /// `#` comments are skipped. Errors name the line, never its key material.
    public static func parse(_ text: String, source: String) throws -> ArchiveKeyring {
        var entries: [Entry] = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
            if line.isEmpty || line.hasPrefix("#") { continue }
            func refuse(_ why: String) -> ArchiveError { .keyFile("GEOFLEET_ARCHIVE_KEY_FILE \(source) line \(number + 1): \(why)") }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 2 else { throw refuse("expected `<keyId> <key>` (two fields)") }
            let id = String(fields[0])
            guard isKeyID(id) else { throw refuse("key id must be 1 to 64 of A-Z a-z 0-9 . _ -") }
            guard !entries.contains(where: { $0.id == id }) else { throw refuse("key id '\(id)' appears twice") }
            guard let bytes = keyBytes(String(fields[1])) else { throw refuse("key of '\(id)' is not 32 bytes as base64 or 64 hex digits") }
            entries.append(Entry(id: id, key: SymmetricKey(data: bytes)))
        }
        return ArchiveKeyring(entries: entries)
    }

    private static func keyBytes(_ text: String) -> [UInt8]? {
        if text.utf8.count == 64, text.utf8.allSatisfy({ $0.isHexDigit }) {
            let digits = Array(text.utf8)
            return stride(from: 0, to: 64, by: 2).map { UInt8(String(decoding: digits[$0..<($0 + 2)], as: UTF8.self), radix: 16)! }
        }
        guard let data = Data(base64Encoded: text), data.count == 32 else { return nil }
        return Array(data)
    }

    /// A key file line with 32 fresh random bytes, for `geofleet archive keygen`.
    public static func newKeyLine(id: String) -> String {
        "\(id) " + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// A keyring of one random key, for sealing temporary files of a single run.
    static func ephemeral() -> ArchiveKeyring {
        ArchiveKeyring(entries: [Entry(id: "ephemeral", key: SymmetricKey(size: .bits256))])
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}
