import Foundation
@testable import GeoFleetArchive
import GeoFleetCore
import GeoFleetPlatform
import GeoFleetTestSupport
import Logging
import Synchronization
import Testing

/// Archives encrypted at rest, against a real PostgreSQL: written sealed, verified, restored,
/// rotated with rekey; tampering, truncation and a missing key are refused with a clear error.
@Suite(.serialized) struct ArchiveEncryptionTests {
    /// A key file of `ids` (random keys, remembered per id for the test's lifetime), loaded back.
    final class KeyStore: Sendable {
        let directory: TemporaryDirectory
        let lines: [String: String]

        init(ids: [String]) throws {
            directory = try TemporaryDirectory(prefix: "archive-keys")
            lines = Dictionary(uniqueKeysWithValues: ids.map { ($0, ArchiveKeyring.newKeyLine(id: $0)) })
        }

        /// A keyring read from a file holding `ids` in this order.
        func keyring(_ ids: [String]) throws -> ArchiveKeyring {
            let text = "# archive keys\n" + ids.map { lines[$0]! }.joined(separator: "\n\n") + "\n"
            let path = directory.path + "/keys-\(ids.joined(separator: "-"))"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            chmod(path, 0o600)
            return try ArchiveKeyring.load(path: path, logger: testLogger("keys"))
        }
    }

    static let signature = PGCopyBinaryScanner.signature
    static let zstdMagic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]

    /// A fingerprint of every old (archivable) row's values.
    func oldRows(_ fixture: ArchiveFixture) async throws -> Int {
        try await fixture.count(
            """
            SELECT coalesce(hashtext(string_agg(concat_ws('|', vehicle_key, device_id, fix_time, received_time, ST_AsEWKT(geom), speed_kmh,
                heading, altitude, satellites, hdop, accuracy, source, attributes), ',' ORDER BY vehicle_key, fix_time)), 0)::int8
            FROM positions WHERE fix_time < now() - interval '40 days'
            """)
    }

    func message(_ body: () async throws -> Void) async -> String {
        do {
            try await body()
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func encryptedArchiveHoldsNoPlaintextVerifiesAndRestoresTheSameRows() async throws {
        let store = try KeyStore(ids: ["k1"])
        var fixture = try await ArchiveFixture.make(oldDays: 2, perDay: 40, vehicles: 3)
        fixture.keys = try store.keyring(["k1"])
        let before = try await oldRows(fixture)
        #expect(before != 0)

        let summary = try await fixture.archiver().run()
        #expect(summary.archived.count == 2 && summary.rows == 240)
        let manifests = try fixture.context.directory.manifests()
        #expect(manifests.count == 2)
        for manifest in manifests {
            #expect(manifest.version == 2)
            #expect(manifest.encryption?.keyId == "k1")
            #expect(manifest.encryption?.algorithm == "AES-256-GCM")
            #expect(manifest.encryption?.chunkBytes == 1 << 20)
            #expect(manifest.file == "\(manifest.partition).g1.pgcopy.zst.aes")
            let path = fixture.archiveDirectory + "/" + manifest.file
            let bytes = try fileBytes(path)
            #expect(bytes.starts(with: Array("GFARCAES".utf8)))
            #expect(bytes.firstRange(of: Self.signature) == nil, "no plaintext COPY signature")
            #expect(bytes.firstRange(of: Self.zstdMagic) == nil, "no plaintext zstd frame")
            #expect(Int64(bytes.count) == manifest.compressedBytes)
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
            #expect(mode == 0o600)
        }
        // Nothing but the two archives and their manifests: no decrypted or part file left behind.
        #expect(try fixture.files().count == 4)
        #expect(try fixture.files().allSatisfy { $0.hasSuffix(".aes") || $0.hasSuffix(".manifest.json") })

        let verified = try await ArchiveVerifier(context: fixture.context).verifyAll()
        #expect(verified.count == 2 && verified.allSatisfy { $0.problem == nil })

        let restored = try await ArchiveRestorer(context: fixture.context).restore(from: 0, to: fixture.today - 30 * ArchiveFixture.day)
        #expect(restored.reduce(0) { $0 + $1.rows } == 240)
        #expect(try await oldRows(fixture) == before)
    }

    @Test func rekeyMovesPlaintextAndOldKeyArchivesToTheFirstKey() async throws {
        let store = try KeyStore(ids: ["k1", "k2"])
        var fixture = try await ArchiveFixture.make(oldDays: 2, perDay: 30, vehicles: 2)
        let before = try await oldRows(fixture)
        // Plaintext archives first (no key file)...
        #expect(try await fixture.archiver().run().archived.count == 2)
        #expect(try fixture.context.directory.manifests().allSatisfy { $0.encryption == nil && $0.version == 1 })

        // ...rekey without a key file is refused...
        #expect(await message { _ = try await ArchiveRekeyer(context: fixture.context).run() }.contains("needs GEOFLEET_ARCHIVE_KEY_FILE"))

        // ...then under k1...
        fixture.keys = try store.keyring(["k1"])
        let first = try await ArchiveRekeyer(context: fixture.context).run()
        #expect(first.rewritten.count == 2 && first.alreadyCurrent == 0 && first.keyID == "k1")
        #expect(try fixture.context.directory.manifests().allSatisfy { $0.encryption?.keyId == "k1" && $0.generation == 2 })

        // ...rotated: k2 first, k1 still readable.
        fixture.keys = try store.keyring(["k2", "k1"])
        let lines = LineCollector()
        var rekeyer = ArchiveRekeyer(context: fixture.context)
        rekeyer.progress = { lines.append($0) }
        let second = try await rekeyer.run()
        #expect(second.rewritten.count == 2 && second.keyID == "k2" && second.bytes > 0)
        #expect(lines.all.count == 3 && lines.all.last?.contains("key 'k1' -> key 'k2'") == true)
        let manifests = try fixture.context.directory.manifests()
        #expect(manifests.allSatisfy { $0.encryption?.keyId == "k2" && $0.generation == 3 && $0.rows == 60 })
        #expect(Set(try fixture.files()) == Set(manifests.flatMap { [$0.file, ArchiveManifest.fileName(partition: $0.partition)] }))
        #expect(try await ArchiveRekeyer(context: fixture.context).run().rewritten.isEmpty)

        // k1 leaves the key file: everything still verifies and restores.
        fixture.keys = try store.keyring(["k2"])
        let verified = try await ArchiveVerifier(context: fixture.context).verifyAll()
        #expect(verified.count == 2 && verified.allSatisfy { $0.problem == nil })
        let restored = try await ArchiveRestorer(context: fixture.context).restore(from: 0, to: fixture.today - 30 * ArchiveFixture.day)
        #expect(restored.reduce(0) { $0 + $1.rows } == 120)
        #expect(try await oldRows(fixture) == before)
    }

    @Test func aTamperedChunkFailsVerifyAndRestoreLeavesTheTableAlone() async throws {
        let store = try KeyStore(ids: ["k1"])
        var fixture = try await ArchiveFixture.make(oldDays: 1, perDay: 30, vehicles: 2)
        fixture.keys = try store.keyring(["k1"])
        _ = try await fixture.archiver().run()
        let manifest = try #require(try fixture.context.directory.manifests().first)
        let path = fixture.archiveDirectory + "/" + manifest.file
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: path))

        let results = try await ArchiveVerifier(context: fixture.context).verifyAll()
        #expect(results.count == 1)
        #expect(results.first?.problem?.contains("chunk 0 of \(manifest.partition) failed authentication") == true, "\(results)")
        let refused = await message {
            _ = try await ArchiveRestorer(context: fixture.context).restore(from: 0, to: fixture.today + ArchiveFixture.day)
        }
        #expect(refused.contains("failed authentication"))
        #expect(try await fixture.count("SELECT count(*) FROM positions") == 60, "only today's rows")
        #expect(try await fixture.count("SELECT count(*) FROM pg_class WHERE relname = '\(manifest.partition)'") == 0)
    }

    @Test func aMissingKeyIsNamedAndATruncatedFileIsRefused() async throws {
        let store = try KeyStore(ids: ["k1", "k2"])
        var fixture = try await ArchiveFixture.make(oldDays: 2, perDay: 30, vehicles: 2)
        fixture.keys = try store.keyring(["k1"])
        _ = try await fixture.archiver().run()
        let manifests = try fixture.context.directory.manifests()
        #expect(manifests.count == 2)
        let expected = "archive \(manifests[0].partition) is encrypted with key 'k1', which GEOFLEET_ARCHIVE_KEY_FILE does not hold"

        for keys in [try store.keyring(["k2"]), ArchiveKeyring.none] {
            var other = fixture
            other.keys = keys
            let results = try await ArchiveVerifier(context: other.context).verifyAll()
            #expect(results.first?.problem == expected)
            let refused = await message { _ = try await ArchiveRestorer(context: other.context).restore(from: 0, to: fixture.today) }
            #expect(refused == expected)
        }
        #expect(try await fixture.count("SELECT count(*) FROM positions") == 60)

        // Cut to half: verify says which archive, restore refuses it.
        let path = fixture.archiveDirectory + "/" + manifests[1].file
        let bytes = try fileBytes(path)
        try Data(bytes.prefix(bytes.count / 2)).write(to: URL(fileURLWithPath: path))
        let results = try await ArchiveVerifier(context: fixture.context).verifyAll()
        #expect(results[0].problem == nil)
        #expect(results[1].problem?.contains("failed authentication") == true || results[1].problem?.contains("truncated") == true)
        let refused = await message {
            _ = try await ArchiveRestorer(context: fixture.context).restore(
                from: fixture.today - 45 * ArchiveFixture.day, to: fixture.today - 44 * ArchiveFixture.day)
        }
        #expect(refused != "no error")
        #expect(try await fixture.count("SELECT count(*) FROM positions") == 60)
    }

    @Test func plaintextArchivesStayReadableWithAKeyFileAndErasureRewritesSealThem() async throws {
        let store = try KeyStore(ids: ["k1"])
        var fixture = try await ArchiveFixture.make(oldDays: 1, perDay: 30, vehicles: 3)
        _ = try await fixture.archiver().run()
        fixture.keys = try store.keyring(["k1"])
        let verified = try await ArchiveVerifier(context: fixture.context).verifyAll()
        #expect(verified.count == 1 && verified.allSatisfy { $0.problem == nil })

        // An erasure rewrite reads the plaintext archive and writes it under the current key.
        let manifest = try #require(try fixture.context.directory.manifests().first)
        let (next, removed) = try ArchiveRewriter.rewrite(
            manifest, erasing: [1: fixture.today], in: fixture.context.directory, keys: fixture.keys, appliedAt: fixture.today)
        #expect(removed == 30)
        #expect(next.encryption?.keyId == "k1" && next.vehicleKeys == [2, 3] && next.rows == 60)
        #expect(!FileManager.default.fileExists(atPath: fixture.archiveDirectory + "/" + manifest.file))
        // And an encrypted archive is rewritten under the key too.
        let (again, _) = try ArchiveRewriter.rewrite(
            next, erasing: [2: fixture.today], in: fixture.context.directory, keys: fixture.keys, appliedAt: fixture.today)
        #expect(again.encryption?.keyId == "k1" && again.rows == 30 && again.generation == 3)
        let restored = try await ArchiveRestorer(context: fixture.context).restore(from: 0, to: fixture.today - 30 * ArchiveFixture.day)
        #expect(restored.map(\.rows) == [30])
        #expect(try await fixture.count("SELECT count(*) FROM positions WHERE vehicle_key = 3") == 60)
    }
}

/// Progress lines collected from a `@Sendable` callback.
final class LineCollector: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}
