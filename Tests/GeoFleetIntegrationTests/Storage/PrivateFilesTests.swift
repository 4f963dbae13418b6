import Foundation
import GeoFleetArchive
import GeoFleetProtocols
import GeoFleetTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// What the engine writes (spool, JWT secret, archives and their rewrites) is private: 0600 files in
/// 0700 directories, set explicitly rather than left to the umask of whoever started the process.
@Suite(.serialized) struct PrivateFilesTests {
    /// Every entry under `root` whose mode lets group or others in, with its mode.
    static func exposed(under root: String) -> [String] {
        var out: [String] = []
        var info = stat()
        if stat(root, &info) != 0 || info.st_mode & 0o077 != 0 { out.append("\(root) \(String(info.st_mode & 0o777, radix: 8))") }
        let names = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String]) ?? []
        for name in names {
            let path = root + "/" + name
            guard lstat(path, &info) == 0 else { continue }
            if info.st_mode & 0o077 != 0 { out.append("\(name) \(String(info.st_mode & 0o777, radix: 8))") }
        }
        return out
    }

    @Test func spoolSecretAndArchivesArePrivate() async throws {
        // As permissive as a shell's default: the engine's own modes must do the work.
        let previous = umask(0o022)
        defer { umask(previous) }
        let clock = TestClock()
        let harness = try await EngineHarness.start(now: clock.closure) {
            $0.archive.everyHours = 0
            $0.auth.secret = nil
        }
        let user = try await harness.token("user_frank")
        let imei = "356307042441088"
        _ = try await harness.addVehicle(token: user, plate: "M PF 1", imei: imei)
        clock.advance(days: -40)
        let device = try await TestDeviceClient.connect(port: harness.devicePort)
        try await device.send(Teltonika.encodeIMEI(imei))
        #expect(try await device.read(1) == [0x01])
        try await device.send(
            FrameFactory.codec8(records: (0..<5).map { (time: clock.now() - 3_600_000 + Int64($0) * 60_000, lat: 48.0, lon: 11.0) }))
        #expect(FrameFactory.ackCount(try await device.read(4)) == 5)
        await device.close()
        #expect(try await harness.waitForCount("SELECT count(*) FROM positions", equals: 5) == 5)
        clock.advance(days: 40)
        let context = ArchiveContext(
            endpoint: harness.endpoint, directory: harness.engine.configuration.archive.directory, logger: testLogger("archive"))
        #expect(try await PartitionArchiver(context: context, retentionDays: 30, now: clock.closure).run().rows == 5)
        // An erasure rewrites the archive (a new generation through zstd).
        let vehicles = try await UserVehicles.of(user: "user_frank", context: context)
        #expect(
            try await HistoryEraser(context: context, now: clock.closure)
                .erase(vehicles, subjectUser: "user_frank", requestedBy: "test", channel: "cli").archiveRowsRemoved == 5)
        try await harness.stop()

        let data = harness.dataDirectory
        #expect(FileManager.default.fileExists(atPath: data + "/jwt-secret"))
        #expect(FileManager.default.fileExists(atPath: data + "/spool"))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: harness.engine.configuration.archive.directory).contains {
                $0.hasSuffix(".g2.pgcopy.zst")
            })
        #expect(Self.exposed(under: data) == [])
    }
}
