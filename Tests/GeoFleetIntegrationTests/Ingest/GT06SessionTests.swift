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
        try await EngineHarness.start(
            now: { Self.now },
            tweak: {
                $0.filters.futureSeconds = 0
                $0.filters.pastSeconds = 0
                $0.filters.maxSpeedKmh = 0
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

    /// A 0x11 GPS+LBS frame was once dropped (decoded as an unknown type). Every position type Traccar
    /// answers is now answered once its fix is durable, and lands in PostGIS history.
    @Test func everyPositionTypeIsAnsweredAndStored() async throws {
        let harness = try await Self.start()
        _ = try await harness.addVehicle(token: try await harness.token("gt06-owner"), plate: "B-402-GTS", imei: "123456789012345")
        let device = try await TestDeviceClient.connect(port: harness.gt06Port)
        try await device.send(try frame("login-notes-example"))
        #expect(try await device.read(10) == [UInt8](hex: "787805010001D9DC0D0A"))

        try await device.send(try frame("gps-lbs-long-cell-canada"))
        #expect(try await device.read(10) == [UInt8](hex: "78780511000628F60D0A"), "0x11 answered with its serial and CRC-ITU")
        #expect(try await harness.waitForCount("SELECT count(*)::int8 FROM positions", equals: 1) == 1)
        #expect(try await harness.count("SELECT round(ST_Y(geom)::numeric * 1e6)::int8 FROM positions") == 43_970_484)
        #expect(try await harness.count("SELECT round(ST_X(geom)::numeric * 1e6)::int8 FROM positions") == -79_263_956)
        #expect(try await harness.count("SELECT (extract(epoch FROM fix_time) * 1000)::int8 FROM positions") == 1_636_598_688_000)
        #expect(try await harness.count("SELECT (attributes->>'cid')::int8 FROM positions") == 8_685_836)
        #expect(try await harness.count("SELECT (attributes->>'mnc')::int8 FROM positions") == 720)

        // Others Traccar answers: JI09 0x1E, 0x27 and 0xA4 alarms, 0x37, JC400 0x95, the AZ735's 7979 0x32
        // (answered in 7979 framing) and the 7979 0x70 modular position.
        let others: [(String, String)] = [
            ("gps-cell-list-ji09", "7878051E01203FDD0D0A"),
            ("fence-alarm-us-mnc2", "7878052700032F2C0D0A"),
            ("gps-lbs-modules-odometer", "78780537002C734C0D0A"),
            ("fence-alarm-4g-mnc2", "787805A40010EEBE0D0A"),
            ("event-jc400-cornering", "78780595003767710D0A"),
            ("az735-gps-7979", "797900053200BCEDD10D0A"),
            ("modular-gps-7979", "78780570000677670D0A"),
        ]
        for (name, reply) in others {
            try await device.send(try frame(name))
            let expected = try #require([UInt8](hex: reply))
            #expect(try await device.read(expected.count) == expected, "\(name) answered")
        }
        // 0x34 (X1) and a 0x21 position text are stored without a reply, as Traccar does.
        try await device.send(try frame("x1-gps-kuwait"))
        try await device.send(try frame("text-current-position-7979"))
        #expect(try await harness.waitForCount("SELECT count(*)::int8 FROM positions", equals: 10) == 10)
        #expect(try await harness.count("SELECT count(*)::int8 FROM positions WHERE attributes->>'alarm' = 'hardCornering'") == 1)
        #expect(try await harness.count("SELECT count(*)::int8 FROM positions WHERE attributes->>'odometer' = '9000'") == 1)

        // A 0x95 without a position is neither stored nor answered; the connection stays usable.
        try await device.send(try frame("event-jc100-no-position"))
        try await device.send(try frame("heartbeat-charging"))
        #expect(try await device.read(10) == [UInt8](hex: "7878051301BAFB710D0A"), "the next reply is the heartbeat's")
        #expect(try await harness.count("SELECT count(*)::int8 FROM positions") == 10)

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
