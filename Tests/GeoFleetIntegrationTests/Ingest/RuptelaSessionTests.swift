import Foundation
import GeoFleetCore
import GeoFleetProtocols
import GeoFleetTestSupport
import Testing

/// A Ruptela session replayed over a real socket with real frames; ACKs checked byte for byte.
@Suite(.serialized) struct RuptelaSessionTests {
    static let positiveAck = [UInt8](hex: "0002640113BC")!

    static func start() async throws -> EngineHarness {
        try await EngineHarness.start(
            now: { 1_700_000_000_000 },
            tweak: {
                $0.filters.futureSeconds = 0
                $0.filters.pastSeconds = 0
                $0.filters.maxSpeedKmh = 0
            })
    }

    @Test func recordsAreAcknowledgedOnceDurable() async throws {
        let harness = try await Self.start()
        _ = try await harness.addVehicle(token: try await harness.token("ruptela-owner"), plate: "B-500-RUP", imei: "013227001564487")
        let device = try await TestDeviceClient.connect(port: harness.ruptelaPort)
        try await device.send(try FixtureFrames.bytes("ruptela", "traccar-records-2014-5"))
        #expect(try await device.read(6) == Self.positiveAck)
        // The ACK came after the spool's fsync: the five rows arrive without anything else being sent.
        #expect(try await harness.waitForCount("SELECT count(*)::int8 FROM positions", equals: 5) == 5)
        // The same packet again (the ACK was lost): acknowledged, nothing new stored.
        try await device.send(try FixtureFrames.bytes("ruptela", "traccar-records-2014-5"))
        #expect(try await device.read(6) == Self.positiveAck)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await harness.count("SELECT count(*)::int8 FROM positions") == 5)
        await device.close()
        try await harness.stop()
    }

    @Test func filteredRecordsAreAcknowledgedAndDropped() async throws {
        let harness = try await Self.start()
        _ = try await harness.addVehicle(token: try await harness.token("ruptela-owner"), plate: "B-501-RUP", imei: "865851039253869")
        let device = try await TestDeviceClient.connect(port: harness.ruptelaPort)
        // 29 records without a GPS fix: the device must not resend them forever, so they are acknowledged.
        try await device.send(try FixtureFrames.bytes("ruptela", "traccar-records-nofix-29"))
        #expect(try await device.read(6) == Self.positiveAck)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await harness.count("SELECT count(*)::int8 FROM positions") == 0)
        await device.close()
        try await harness.stop()
    }

    @Test func unknownDeviceAndCorruptFrameCloseTheConnection() async throws {
        let harness = try await Self.start()
        let stranger = try await TestDeviceClient.connect(port: harness.ruptelaPort)
        try await stranger.send(try FixtureFrames.bytes("ruptela", "traccar-records-2014-5"))
        #expect(try await stranger.read(1, timeout: .seconds(2)) == nil)
        #expect(await stranger.waitForClose())

        var corrupt = try FixtureFrames.bytes("ruptela", "traccar-records-2014-5")
        corrupt[corrupt.count - 1] ^= 0xFF
        let device = try await TestDeviceClient.connect(port: harness.ruptelaPort)
        try await device.send(corrupt)
        #expect(await device.waitForClose(), "a CRC mismatch closes the connection")
        try await harness.stop()
    }
}
