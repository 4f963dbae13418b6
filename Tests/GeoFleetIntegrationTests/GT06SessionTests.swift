import Foundation
import GeoFleetCore
import GeoFleetProtocols
import GeoFleetTestSupport
import Testing

/// A Concox GT06 session replayed over a real socket with real frames; replies checked byte for byte.
@Suite(.serialized) struct GT06SessionTests {
    static let now: Int64 = 1_700_000_000_000

    /// Frames from several devices and years replayed as one device: time and jump filters off.
    static func start() async throws -> EngineHarness {
        try await EngineHarness.start(now: { Self.now }, tweak: {
            $0.filter.futureSeconds = 0
            $0.filter.pastSeconds = 0
            $0.filter.maxSpeedKmh = 0
        })
    }

    func frame(_ name: String) throws -> [UInt8] { try FixtureFrames.bytes("gt06", name) }

    @Test func loginLocationHeartbeatAlarmAndTime() async throws {
        let harness = try await Self.start()
        _ = try await harness.addVehicle(token: try await harness.token("gt06-owner"), plate: "B-400-GTS", imei: "123456789012345")
        let device = try await TestDeviceClient.connect(port: harness.gt06Port)

        try await device.send(try frame("login-notes-example"))
        #expect(try await device.read(10) == [UInt8](hex: "787805010001D9DC0D0A"), "login answered with its serial and CRC-ITU")

        // A location gets no reply (CONTRACT.md); it is stored.
        try await device.send(try frame("gps-lbs-kaunas"))
        #expect(try await harness.waitForCount("SELECT count(*)::int8 FROM positions", equals: 1) == 1)
        #expect(try await harness.count("SELECT round(ST_Y(geom)::numeric * 1e5)::int8 FROM positions") == 5_494_535)
        #expect(try await harness.count("SELECT (extract(epoch FROM fix_time) * 1000)::int8 FROM positions") == 1_445_350_871_000)

        try await device.send(try frame("heartbeat-charging"))
        #expect(try await device.read(10) == [UInt8](hex: "7878051301BAFB710D0A"))

        // The alarm's reply is the acknowledgement that its fix is durable.
        try await device.send(try frame("alarm-vibration"))
        #expect(try await device.read(10) == [UInt8](hex: "78780516001C1B280D0A"))
        #expect(try await harness.waitForCount("SELECT count(*)::int8 FROM positions", equals: 2) == 2)
        #expect(try await harness.count("SELECT count(*)::int8 FROM positions WHERE attributes ? 'alarm'") == 1)

        let request = try frame("time-request")
        try await device.send(request)
        let serial = UInt16(request[request.count - 6]) << 8 | UInt16(request[request.count - 5])
        let expected = GT06.timeResponse(serial: serial, now: Self.now)
        #expect(try await device.read(expected.count) == expected)

        await device.close()
        try await harness.stop()
    }

    @Test func refusalsCloseTheConnectionWithoutReply() async throws {
        let harness = try await Self.start()
        _ = try await harness.addVehicle(token: try await harness.token("gt06-owner"), plate: "B-401-GTS", imei: "123456789012345")

        let stranger = try await TestDeviceClient.connect(port: harness.gt06Port)
        try await stranger.send(try frame("login-864717003283581"))
        #expect(try await stranger.read(1, timeout: .seconds(2)) == nil)
        #expect(await stranger.waitForClose(), "a device bound to no vehicle is closed without a login reply")

        let impatient = try await TestDeviceClient.connect(port: harness.gt06Port)
        try await impatient.send(try frame("gps-lbs-kaunas"))
        #expect(await impatient.waitForClose(), "a location before login closes the connection")

        let corrupt = try await TestDeviceClient.connect(port: harness.gt06Port)
        try await corrupt.send(try frame("login-notes-example"))
        _ = try await corrupt.read(10)
        try await corrupt.send(try frame("bad-crc-gps-lbs"))
        #expect(await corrupt.waitForClose(), "a frame failing its CRC-ITU closes the connection")

        try await Task.sleep(for: .milliseconds(300))
        #expect(try await harness.count("SELECT count(*)::int8 FROM positions") == 0)
        try await harness.stop()
    }
}
