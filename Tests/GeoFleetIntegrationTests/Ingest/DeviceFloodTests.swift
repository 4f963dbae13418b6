import Foundation
import GeoFleetCore
import GeoFleetProtocols
import GeoFleetTestSupport
import Testing

/// One device flooding valid frames costs a bounded buffer, not memory without end.
@Suite(.serialized) struct DeviceFloodTests {
    static let imei = "356307042441013"

    /// A device of a new vehicle `plate`, connected and past the IMEI handshake.
    private func connectedDevice(_ harness: EngineHarness, plate: String) async throws -> TestDeviceClient {
        _ = try await harness.addVehicle(token: try await harness.token("flood"), plate: plate, imei: Self.imei)
        let device = try await TestDeviceClient.connect(port: harness.devicePort)
        try await device.send(Teltonika.encodeIMEI(Self.imei))
        let handshake = try await device.read(1)
        #expect(handshake == [0x01])
        return device
    }

    /// `count` one-record Codec 8 frames back to back, a second apart from an hour ago, each `latitudeStep` further north.
    private static func frames(_ count: Int, latitudeStep: Double) -> [UInt8] {
        let start = Int64(Date().timeIntervalSince1970) * 1000 - 3_600_000
        let frames = (0..<count).map { i in
            FrameFactory.codec8(records: [(start + Int64(i) * 1000, 44.4268 + Double(i) * latitudeStep, 26.1025)])
        }
        return Array(frames.joined())
    }

    @Test func aFloodOfValidFramesNeverBuffersMoreThanTheBound() async throws {
        let harness = try await EngineHarness.start(tweak: { $0.devices.frameBuffer = 8 })
        let device = try await connectedDevice(harness, plate: "B-400-FLD")
        // 600 frames in one write, far faster than the session makes each durable (an fsync per frame).
        try await device.send(Self.frames(600, latitudeStep: 1e-5))
        for i in 0..<600 {
            let ack = try await device.read(4, timeout: .seconds(60))
            try #require(FrameFactory.ackCount(ack) == 1, "frame \(i) acknowledged with its record")
        }
        let peak = harness.engine.deviceServer.peakBufferedFrames
        #expect(peak <= 8, "a connection held \(peak) frames for its session")
        #expect(peak >= 2, "the flood did fill the buffer (peak \(peak))")
        #expect(try await harness.waitForCount("SELECT count(*)::int8 FROM positions", equals: 600) == 600, "none lost")
        await device.close()
        try await harness.stop()
    }

    @Test func aDeviceOverTheFrameRateIsClosed() async throws {
        // 1 frame a second over a 30 s window: the 31st frame within it closes the connection.
        let harness = try await EngineHarness.start(tweak: { $0.devices.maxFramesPerSecond = 1 })
        let device = try await connectedDevice(harness, plate: "B-401-FLD")
        try await device.send(Self.frames(100, latitudeStep: 0))
        #expect(await device.waitForClose(), "a device over its frame rate is closed")
        var acks = 0
        while FrameFactory.ackCount(try await device.read(4, timeout: .milliseconds(200))) == 1 { acks += 1 }
        #expect(acks <= 30, "no frame past the 30 allowed in the window is acknowledged (\(acks) were)")
        #expect(try await harness.count("SELECT count(*)::int8 FROM positions") <= 30)
        try await harness.stop()
    }

    @Test func aRecordOverTheIOElementCapClosesTheConnection() async throws {
        let harness = try await EngineHarness.start(tweak: { $0.devices.teltonikaMaxIOPerRecord = 4 })
        let device = try await connectedDevice(harness, plate: "B-402-FLD")
        // Teltonika wiki's first Codec 8 example: one record with 5 IO elements.
        try await device.send(
            [UInt8](
                hex:
                    "000000000000003608010000016B40D8EA30010000000000000000000000000000000105021503010101425E0F01F10000601A014E0000000000000000010000C7CF"
            )!)
        #expect(await device.waitForClose(), "refused as garbage")
        #expect(try await harness.count("SELECT count(*)::int8 FROM positions") == 0)
        try await harness.stop()
    }
}
