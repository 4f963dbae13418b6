import Foundation
import GeoFleetCore
import GeoFleetProtocols
import GeoFleetTestSupport
import NIOCore
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Holding sockets costs the holder: handshake deadline, connection caps, the OsmAnd request deadline,
/// and a negative cache that keeps a flood of unknown ids away from PostgreSQL.
@Suite(.serialized) struct ConnectionAdmissionTests {
    static let imei = "356307042441013"
    static let stranger = "356307042441039"

    @Test func aConnectionThatNeverIdentifiesIsClosedAtTheHandshakeDeadline() async throws {
        let harness = try await EngineHarness.start(tweak: { $0.devices.handshakeSeconds = 1 })
        _ = try await harness.addVehicle(token: try await harness.token("adm"), plate: "B-500-ADM", imei: Self.imei)
        let started = ContinuousClock.now
        let silent = try await TestDeviceClient.connect(port: harness.devicePort)
        let gt06 = try await TestDeviceClient.connect(port: harness.gt06Port)
        // An identified device is past the handshake: it stays.
        let known = try await TestDeviceClient.connect(port: harness.devicePort)
        try await known.send(Teltonika.encodeIMEI(Self.imei))
        #expect(try await known.read(1) == [0x01])
        #expect(await silent.waitForClose(timeout: .seconds(10)), "silent Teltonika connection closed")
        #expect(await gt06.waitForClose(timeout: .seconds(10)), "silent GT06 connection closed")
        #expect(ContinuousClock.now - started < .seconds(8), "within the handshake deadline, not the 600 s idle one")
        #expect(await known.waitForClose(timeout: .seconds(2)) == false, "the identified device stays connected")
        await known.close()
        try await harness.stop()
    }

    @Test func connectionsOverThePerIPCapAreRefusedWhileOthersWork() async throws {
        let harness = try await EngineHarness.start(tweak: { $0.devices.maxConnectionsPerIP = 3 })
        _ = try await harness.addVehicle(token: try await harness.token("adm"), plate: "B-501-ADM", imei: Self.imei)
        var open: [TestDeviceClient] = []
        for _ in 0..<3 { open.append(try await TestDeviceClient.connect(port: harness.devicePort)) }
        let refused = try await TestDeviceClient.connect(port: harness.gt06Port)
        #expect(await refused.waitForClose(timeout: .seconds(5)), "a fourth connection from the same IP is closed at once")
        // The three admitted ones work.
        try await open[0].send(Teltonika.encodeIMEI(Self.imei))
        #expect(try await open[0].read(1) == [0x01])
        // A slot freed is a slot taken again.
        await open[2].close()
        try await Task.sleep(for: .milliseconds(200))
        let again = try await TestDeviceClient.connect(port: harness.devicePort)
        try await again.send(Teltonika.encodeIMEI(Self.imei))
        #expect(try await again.read(1) == [0x01])
        for client in open + [again] { await client.close() }
        try await harness.stop()
    }

    @Test func aSlowlorisOnTheOsmAndPortIsCutAtTheRequestDeadline() async throws {
        let harness = try await EngineHarness.start(tweak: { $0.devices.osmandRequestSeconds = 2 })
        let port = await harness.osmandPort()
        let slow = try await TestDeviceClient.connect(port: port)
        let started = ContinuousClock.now
        // A request head one byte every 300 ms: bytes keep coming, the head never completes.
        let head = Array("GET /?id=\(Self.imei)&lat=44.4268&lon=26.1025 HTTP/1.1\r\nHost: x\r\nX-Padding: ".utf8)
        var closed = false
        for index in 0..<200 {
            try? await slow.send([head[index % head.count]])
            if await slow.waitForClose(timeout: .milliseconds(300)) { closed = true; break }
        }
        #expect(closed, "a trickled request head is cut off")
        #expect(ContinuousClock.now - started < .seconds(5), "within the request deadline")
        // Idle after connecting, without a byte: cut too.
        let idle = try await TestDeviceClient.connect(port: port)
        #expect(await idle.waitForClose(timeout: .seconds(10)), "the 2 s deadline, with room for a loaded machine")
        // A whole request still gets its answer.
        let (_, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/?id=\(Self.stranger)&lat=44.4&lon=26.1")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 400, "an unknown device, answered")
        try await harness.stop()
    }

    @Test func unknownIdsAreLookedUpOncePerTTLAndANewBindingWorksAtOnce() async throws {
        let harness = try await EngineHarness.start()
        let before = harness.engine.directory.lookups
        for _ in 0..<20 {
            let device = try await TestDeviceClient.connect(port: harness.devicePort)
            try await device.send(Teltonika.encodeIMEI(Self.stranger))
            #expect(try await device.read(1) == [0x00])
            await device.close()
        }
        let client = try TestUDPClient(port: harness.devicePort)
        // Traccar's real datagram, sent under the unknown IMEI.
        let real = try Teltonika.decodeUDPDatagram(ByteBuffer(bytes: TeltonikaUDPSessionTests.datagram))
        let datagram = Teltonika.encodeUDPDatagram(
            packetID: 1, avlPacketID: 1, imei: Self.stranger, avlData: Teltonika.encodeAVLData(real.packet))
        for _ in 0..<20 { try client.send(datagram) }
        try await Task.sleep(for: .milliseconds(300))
        #expect(harness.engine.directory.lookups - before == 1, "one database lookup for 40 attempts of one unknown id")

        // Bound through the API: the very next attempt is accepted, whatever the cache remembered.
        _ = try await harness.addVehicle(token: try await harness.token("adm"), plate: "B-502-ADM", imei: Self.stranger)
        let device = try await TestDeviceClient.connect(port: harness.devicePort)
        try await device.send(Teltonika.encodeIMEI(Self.stranger))
        #expect(try await device.read(1) == [0x01])
        await device.close()
        try await harness.stop()
    }
}
