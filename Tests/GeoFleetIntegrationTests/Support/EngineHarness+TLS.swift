import GeoFleetApp
import GeoFleetPlatform
import GeoFleetTestSupport

extension EngineHarness {
    /// An engine with TLS on: `certificates`' server chain and key, every device TLS port left to the
    /// kernel, and (with `clientCA`) client certificates from the test CA asked for.
    static func startTLS(
        _ certificates: TestCertificates, clientCA: Bool = false, now: @escaping @Sendable () -> Int64 = { WallClock.nowMilliseconds() },
        tweak: (inout GeoFleetConfiguration) -> Void = { _ in }
    ) async throws -> EngineHarness {
        try await start(now: now) { configuration in
            configuration.tls.certificateFile = certificates.serverCertificate
            configuration.tls.keyFile = certificates.serverKey
            configuration.tls.clientCAFile = clientCA ? certificates.caCertificate : nil
            configuration.tls.teltonikaPort = 0
            configuration.tls.gt06Port = 0
            configuration.tls.ruptelaPort = 0
            configuration.tls.osmandPort = 0
            tweak(&configuration)
        }
    }

    var teltonikaTLSPort: Int { engine.teltonikaTLSServer?.port ?? 0 }
    var gt06TLSPort: Int { engine.gt06TLSServer?.port ?? 0 }
    func osmandTLSPort() async -> Int { await engine.osmandTLSServer?.port() ?? 0 }
}
