import Foundation
import GeoFleetPlatform
import GeoFleetPostGIS
import GeoFleetProtocols
import GeoFleetTestSupport
import NIOPosix
import PostgresNIO
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A spool full of positions PostGIS has not taken: frames go unacknowledged, the refusals are
/// counted, the backlog is on /metrics; once PostGIS takes them, the device's resend is stored once.
@Suite("Back-pressure", .serialized)
struct BackPressureTests {
    static let imei = "352093081990001"

    static func frame(_ index: Int, base: Int64) -> [UInt8] {
        let records = (0..<20).map { r -> (time: Int64, lat: Double, lon: Double) in
            let i = Int64(index * 20 + r)
            return (base + i * 1000, 45.0 + Double(i) * 0.0001, 25.0 + Double(i) * 0.0001)
        }
        return FrameFactory.codec8(records: records)
    }

    static func metric(_ name: String, in text: String) -> Double {
        text.split(separator: "\n").filter { $0.hasPrefix(name + " ") || $0.hasPrefix(name + "{") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
    }

    @Test("a full spool stops ACKs, counts the refusals and shows the backlog; after PostGIS catches up the resend is stored once")
    func fullSpoolStopsAcknowledgements() async throws {
        let executable = try DaemonProcess.executable("geofleetd")
        let endpoint = try await TestPostgres.shared.freshDatabase()
        let dataDir = try TemporaryDirectory(prefix: "geofleet-pressure")
        let httpPort = freePort()
        let devicePort = freePort()
        let daemon = try DaemonProcess(
            executable: executable,
            environment: [
                "GEOFLEET_DATA_DIR": dataDir.path, "GEOFLEET_DATABASE_URL": endpoint.description, "GEOFLEET_BIND": "127.0.0.1",
                "GEOFLEET_HTTP_PORT": "\(httpPort)", "GEOFLEET_TELTONIKA_PORT": "\(devicePort)",
                "GEOFLEET_GT06_PORT": "0", "GEOFLEET_OSMAND_PORT": "0", "GEOFLEET_RUPTELA_PORT": "0",
                "GEOFLEET_JWT_SECRET": EngineHarness.secret, "GEOFLEET_AUTO_REGISTER": "true",
                "GEOFLEET_SPOOL_MAX_MB": "1", "GEOFLEET_WRITER_TIMEOUT_MS": "2000", "GEOFLEET_WRITER_BATCH_MS": "20",
            ],
            logPath: dataDir.path + "/geofleetd.log")
        try await DurabilityTests.waitForHealth(port: httpPort, daemon: daemon)
        // PostGIS takes nothing while this session holds the watermark rows.
        let locker = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(), configuration: endpoint.connectionConfiguration, id: 7,
            logger: testLogger("locker"))
        try await locker.query("BEGIN", logger: testLogger("locker"))
        try await locker.query("LOCK TABLE ingest_watermark IN ACCESS EXCLUSIVE MODE", logger: testLogger("locker"))

        let device = try await TestDeviceClient.connect(port: devicePort)
        try await device.send(Teltonika.encodeIMEI(Self.imei))
        #expect(try await device.read(1) == [0x01])
        // 1 s between fixes, all in the past: 600 frames (about 1.4 MB in the spool) span 3.3 hours.
        let base = WallClock.nowMilliseconds() - 4 * 3_600_000
        var acknowledged = 0
        var refusedFrame: Int?
        for index in 0..<600 {
            try await device.send(Self.frame(index, base: base))
            guard let ack = try await device.read(4, timeout: .seconds(3)), FrameFactory.ackCount(ack) == 20 else {
                refusedFrame = index
                break
            }
            acknowledged += 20
        }
        guard let refused = refusedFrame else {
            Issue.record("the spool never filled: \(acknowledged) positions acknowledged\n\(daemon.log.suffix(3000))")
            try? await locker.close()
            await daemon.stop(signal: SIGTERM)
            return
        }
        #expect(acknowledged > 0)
        let metrics = try await EngineHarness.metrics(port: httpPort)
        #expect(Self.metric("geofleet_ingest_backpressure_refusals_total", in: metrics) >= 1)
        #expect(Self.metric("geofleet_history_backlog_rows", in: metrics) >= Double(acknowledged))
        #expect(daemon.log.contains("spool full: frames are not acknowledged until PostGIS catches up"))

        // PostGIS is back: the device resends the frame that had no ACK and is acknowledged.
        try await locker.query("ROLLBACK", logger: testLogger("locker"))
        var resent = false
        let deadline = ContinuousClock.now + .seconds(30)
        while !resent, ContinuousClock.now < deadline {
            try await device.send(Self.frame(refused, base: base))
            resent = try await device.read(4, timeout: .seconds(3)).flatMap(FrameFactory.ackCount) == 20
        }
        #expect(resent)
        let stored = try await EngineHarness.waitForCount(
            "SELECT count(*) FROM positions", endpoint: endpoint, equals: acknowledged + 20, timeout: .seconds(30))
        #expect(stored == acknowledged + 20)
        #expect(
            try await EngineHarness.count(
                "SELECT count(*) FROM (SELECT vehicle_key, fix_time FROM positions GROUP BY 1, 2 HAVING count(*) > 1) d", endpoint: endpoint) == 0)
        await device.close()
        try? await locker.close()
        await daemon.stop(signal: SIGTERM)
    }
}
