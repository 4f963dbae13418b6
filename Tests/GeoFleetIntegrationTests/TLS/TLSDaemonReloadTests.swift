import Foundation
import GeoFleetPlatform
import GeoFleetTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `kill -HUP` on a real geofleetd reloads its certificate without dropping connections.
@Suite(.serialized)
struct TLSDaemonReloadTests {
    @Test("SIGHUP: new TLS connections get the new certificate, the open one stays")
    func hangupReloadsTheCertificate() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.directory.remove() }
        let executable = try DaemonProcess.executable("geofleetd")
        let endpoint = try await TestPostgres.shared.freshDatabase()
        let dataDir = certificates.directory.path + "/data"
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let httpPort = freePort(), tlsPort = freePort()
        let daemon = try DaemonProcess(
            executable: executable,
            environment: [
                "GEOFLEET_DATA_DIR": dataDir, "GEOFLEET_DATABASE_URL": endpoint.description, "GEOFLEET_BIND": "127.0.0.1",
                "GEOFLEET_HTTP_PORT": "\(httpPort)", "GEOFLEET_TELTONIKA_PORT": "0", "GEOFLEET_GT06_PORT": "0",
                "GEOFLEET_OSMAND_PORT": "0", "GEOFLEET_RUPTELA_PORT": "0", "GEOFLEET_JWT_SECRET": EngineHarness.secret,
                "GEOFLEET_TLS_CERT": certificates.serverCertificate, "GEOFLEET_TLS_KEY": certificates.serverKey,
                "GEOFLEET_TELTONIKA_TLS_PORT": "\(tlsPort)",
            ],
            logPath: dataDir + "/geofleetd.log")
        try await DurabilityTests.waitForHealth(port: httpPort, daemon: daemon)

        let oldSerial = try TestCertificates.serial(of: certificates.serverCertificate)
        let open = try await TestDeviceClient.connect(port: tlsPort, tls: try certificates.clientContext())
        #expect(try await open.peerCertificateSerial() == oldSerial)

        try certificates.issueServerCertificate(certificate: certificates.serverCertificate, key: certificates.serverKey)
        let newSerial = try TestCertificates.serial(of: certificates.serverCertificate)
        kill(daemon.pid, SIGHUP)

        // The signal is handled asynchronously: new connections switch within moments.
        var seen: [UInt8]?
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            let probe = try await TestDeviceClient.connect(port: tlsPort, tls: try certificates.clientContext())
            seen = try await probe.peerCertificateSerial()
            await probe.close()
            if seen == newSerial { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(seen == newSerial, "log:\n\(daemon.log)")
        #expect(await open.waitForClose(timeout: .milliseconds(300)) == false, "the open connection survives the reload")
        #expect(daemon.log.contains("TLS certificate reloaded"))
        #expect(try await EngineHarness.metrics(port: httpPort).contains(#"geofleet_tls_reloads_total{result="ok"} 1"#))
        await open.close()
        let status = await daemon.stop()
        #expect(status == 0, "log:\n\(daemon.log)")
    }
}
