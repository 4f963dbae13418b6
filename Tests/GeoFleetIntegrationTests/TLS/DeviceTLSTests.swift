import AsyncHTTPClient
import Foundation
import GeoFleetCore
import GeoFleetPlatform
import GeoFleetProtocols
import GeoFleetTestSupport
import NIOSSL
import Testing

/// Device ports over TLS: the same sessions behind a real handshake, refusals, and a certificate reload.
@Suite(.serialized)
struct DeviceTLSTests {
    static let imei = "356307042441013"
    /// The Vienna frame was recorded on 2019-01-04; the engine's clock is set to that day.
    static let frameTime: Int64 = 1_546_604_839_000

    static func vienna() throws -> [UInt8] {
        try FixtureFrames.bytes(path: "teltonika/teltonika-tcp.json", "traccar-codec8-vienna")
    }

    @Test("Teltonika over TLS: handshake, IMEI accepted, the real frame acknowledged and stored")
    func teltonikaOverTLS() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.directory.remove() }
        let harness = try await EngineHarness.startTLS(certificates, now: { Self.frameTime + 60_000 })
        _ = try await harness.addVehicle(token: try await harness.token("user_tls"), plate: "W 1 TLS", imei: Self.imei)
        #expect(harness.teltonikaTLSPort != 0)
        #expect(harness.teltonikaTLSPort != harness.devicePort)

        let device = try await TestDeviceClient.connect(port: harness.teltonikaTLSPort, tls: try certificates.clientContext())
        try await device.send(Teltonika.encodeIMEI(Self.imei))
        #expect(try await device.read(1) == [0x01])
        #expect(try await device.peerCertificateSerial() == (try TestCertificates.serial(of: certificates.serverCertificate)))
        try await device.send(try Self.vienna())
        #expect(try await device.read(4) == [0, 0, 0, 1])
        #expect(try await harness.waitForCount("SELECT count(*) FROM positions", equals: 1) == 1)
        #expect(try await harness.count("SELECT (ST_Y(geom) * 1e7)::bigint FROM positions") == 481_523_066)
        await device.close()
        try await harness.stop()
    }

    @Test("untrusted server, untrusted client certificate and plain bytes are closed; the plain port and good TLS clients go on")
    func refusals() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.directory.remove() }
        let harness = try await EngineHarness.startTLS(certificates, clientCA: true, now: { Self.frameTime + 60_000 })
        _ = try await harness.addVehicle(token: try await harness.token("user_tls"), plate: "W 2 TLS", imei: Self.imei)
        let port = harness.teltonikaTLSPort

        // A client that trusts another CA gives up on the handshake: nothing reaches the session.
        let doubter = try await TestDeviceClient.connect(port: port, tls: try certificates.clientContext(trusting: certificates.rogueCA))
        try? await doubter.send(Teltonika.encodeIMEI(Self.imei))
        #expect(try await doubter.read(1, timeout: .seconds(2)) == nil)
        #expect(await doubter.waitForClose())

        // A client certificate from a CA the server does not trust fails the handshake.
        let rogue = try await TestDeviceClient.connect(
            port: port,
            tls: try certificates.clientContext(certificate: certificates.rogueClientCertificate, key: certificates.rogueClientKey))
        try? await rogue.send(Teltonika.encodeIMEI(Self.imei))
        #expect(try await rogue.read(1, timeout: .seconds(2)) == nil)
        #expect(await rogue.waitForClose())

        // Plain Teltonika bytes on the TLS port: a TLS alert at most (record type 0x15), no IMEI answer, then closed.
        let plain = try await TestDeviceClient.connect(port: port)
        try await plain.send(Teltonika.encodeIMEI(Self.imei))
        try? await plain.send(try Self.vienna())
        let answer = try await plain.read(1, timeout: .seconds(2))
        #expect(answer == nil || answer == [0x15])
        #expect(await plain.waitForClose())

        // A device with a certificate from the trusted CA, and one with none (client certificates are optional).
        let withCertificate = try await TestDeviceClient.connect(
            port: port, tls: try certificates.clientContext(certificate: certificates.clientCertificate, key: certificates.clientKey))
        try await withCertificate.send(Teltonika.encodeIMEI(Self.imei))
        #expect(try await withCertificate.read(1) == [0x01])
        try await withCertificate.send(try Self.vienna())
        #expect(try await withCertificate.read(4) == [0, 0, 0, 1])
        await withCertificate.close()

        let without = try await TestDeviceClient.connect(port: port, tls: try certificates.clientContext())
        try await without.send(Teltonika.encodeIMEI(Self.imei))
        #expect(try await without.read(1) == [0x01])
        await without.close()

        let plainPort = try await TestDeviceClient.connect(port: harness.devicePort)
        try await plainPort.send(Teltonika.encodeIMEI(Self.imei))
        #expect(try await plainPort.read(1) == [0x01])
        try await plainPort.send(try Self.vienna())
        #expect(try await plainPort.read(4) == [0, 0, 0, 1])
        await plainPort.close()
        #expect(try await harness.waitForCount("SELECT count(*) FROM positions", equals: 1) == 1)
        try await harness.stop()
    }

    @Test("a stalled half handshake is closed at the TLS deadline")
    func stalledHandshakeIsClosed() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.directory.remove() }
        let harness = try await EngineHarness.startTLS(certificates)
        // The first bytes of a ClientHello record, then nothing.
        let staller = try await TestDeviceClient.connect(port: harness.teltonikaTLSPort)
        try await staller.send([0x16, 0x03, 0x01, 0x02, 0x00, 0x01])
        let started = ContinuousClock.now
        #expect(await staller.waitForClose(timeout: .seconds(20)))
        #expect(ContinuousClock.now - started < .seconds(15))
        try await harness.stop()
    }

    @Test("reload: an open TLS connection goes on with the old certificate, a new one sees the new; a bad file keeps the old")
    func reloadKeepsConnections() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.directory.remove() }
        let harness = try await EngineHarness.startTLS(certificates)
        _ = try await harness.addVehicle(token: try await harness.token("user_tls"), plate: "W 3 TLS", imei: Self.imei)
        let port = harness.teltonikaTLSPort
        let oldSerial = try TestCertificates.serial(of: certificates.serverCertificate)

        let before = try await TestDeviceClient.connect(port: port, tls: try certificates.clientContext())
        try await before.send(Teltonika.encodeIMEI(Self.imei))
        #expect(try await before.read(1) == [0x01])
        #expect(try await before.peerCertificateSerial() == oldSerial)

        try certificates.issueServerCertificate(certificate: certificates.serverCertificate, key: certificates.serverKey)
        let newSerial = try TestCertificates.serial(of: certificates.serverCertificate)
        #expect(newSerial != oldSerial)
        #expect(await harness.engine.reloadTLS())

        // The open connection keeps working on its own context.
        let now = WallClock.nowMilliseconds()
        try await before.send(FrameFactory.codec8(records: [(now - 5000, 46.77, 23.59)]))
        #expect(FrameFactory.ackCount(try await before.read(4)) == 1)

        let after = try await TestDeviceClient.connect(port: port, tls: try certificates.clientContext())
        try await after.send(Teltonika.encodeIMEI(Self.imei))
        #expect(try await after.read(1) == [0x01])
        #expect(try await after.peerCertificateSerial() == newSerial)
        await after.close()

        // A broken certificate file: the reload fails and new connections keep the last good certificate.
        try "not a certificate".write(toFile: certificates.serverCertificate, atomically: true, encoding: .utf8)
        #expect(await harness.engine.reloadTLS() == false)
        let afterBadReload = try await TestDeviceClient.connect(port: port, tls: try certificates.clientContext())
        try await afterBadReload.send(Teltonika.encodeIMEI(Self.imei))
        #expect(try await afterBadReload.read(1) == [0x01])
        #expect(try await afterBadReload.peerCertificateSerial() == newSerial)
        await afterBadReload.close()
        await before.close()
        try await harness.stop()
    }

    @Test("GT06 over TLS: login answered, location stored")
    func gt06OverTLS() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.directory.remove() }
        let harness = try await EngineHarness.startTLS(certificates, now: { 1_700_000_000_000 }) {
            $0.filters.futureSeconds = 0
            $0.filters.pastSeconds = 0
            $0.filters.maxSpeedKmh = 0
        }
        _ = try await harness.addVehicle(token: try await harness.token("gt06-owner"), plate: "B-400-TLS", imei: "123456789012345")
        let device = try await TestDeviceClient.connect(port: harness.gt06TLSPort, tls: try certificates.clientContext())
        try await device.send(try FixtureFrames.bytes("gt06", "login-notes-example"))
        #expect(try await device.read(10) == [UInt8](hex: "787805010001D9DC0D0A"))
        try await device.send(try FixtureFrames.bytes("gt06", "gps-lbs-kaunas"))
        #expect(try await harness.waitForCount("SELECT count(*)::int8 FROM positions", equals: 1) == 1)
        await device.close()
        try await harness.stop()
    }

    @Test("OsmAnd over HTTPS: a Traccar Client request is stored before the 200")
    func osmandOverTLS() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.directory.remove() }
        let fixTime: Int64 = 1_758_464_000_000
        let harness = try await EngineHarness.startTLS(certificates, now: { fixTime + 5_000 })
        _ = try await harness.addVehicle(token: try await harness.token("phone-owner"), plate: "B-200-TLS", imei: "870123")
        let port = await harness.osmandTLSPort()
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: try certificates.clientConfiguration()))
        var request = HTTPClientRequest(url: "https://127.0.0.1:\(port)/?id=870123&timestamp=\(fixTime / 1000)&lat=44.4268&lon=26.1025&speed=10.0")
        request.method = .POST
        let response = try await client.execute(request, timeout: .seconds(15))
        #expect(response.status == .ok)
        // 200 means durable: the row follows without anything else being sent.
        #expect(try await harness.waitForCount("SELECT count(*)::int8 FROM positions", equals: 1) == 1)
        try await client.shutdown()
        try await harness.stop()
    }
}
