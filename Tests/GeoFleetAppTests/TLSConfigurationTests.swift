import GeoFleetApp
import Testing

/// The TLS variables: values, and the combinations that stop the start.
@Suite struct TLSConfigurationTests {
    @Test func tlsIsOffByDefault() throws {
        let c = try GeoFleetConfiguration.fromEnvironment([:])
        #expect(c.tls.files == nil)
        #expect(c.tls.teltonikaPort == nil && c.tls.osmandPort == nil)
        #expect(c.tls.httpPlain == "on" && c.tls.serviceClientCert == "off")
    }

    @Test func valuesLand() throws {
        let c = try GeoFleetConfiguration.fromEnvironment([
            "GEOFLEET_TLS_CERT": "/etc/geofleet/chain.pem", "GEOFLEET_TLS_KEY": "/etc/geofleet/key.pem",
            "GEOFLEET_TLS_CLIENT_CA": "/etc/geofleet/ca.pem", "GEOFLEET_TELTONIKA_TLS_PORT": "5028", "GEOFLEET_GT06_TLS_PORT": "0",
            "GEOFLEET_RUPTELA_TLS_PORT": "", "GEOFLEET_HTTP_PLAIN": "off", "GEOFLEET_SERVICE_CLIENT_CERT": "required",
        ])
        #expect(c.tls.files?.certificate == "/etc/geofleet/chain.pem")
        #expect(c.tls.files?.clientCA == "/etc/geofleet/ca.pem")
        #expect(c.tls.teltonikaPort == 5028 && c.tls.gt06Port == 0 && c.tls.ruptelaPort == nil)
        #expect(c.tls.httpPlain == "off" && c.tls.serviceClientCert == "required")
    }

    @Test(arguments: [
        (["GEOFLEET_TELTONIKA_TLS_PORT": "5028"], "GEOFLEET_TLS_CERT"),
        (["GEOFLEET_TLS_CERT": "/c.pem"], "GEOFLEET_TLS_KEY"),
        (["GEOFLEET_HTTP_PLAIN": "off"], "GEOFLEET_TLS_CERT"),
        (["GEOFLEET_TLS_CERT": "/c.pem", "GEOFLEET_TLS_KEY": "/k.pem", "GEOFLEET_SERVICE_CLIENT_CERT": "required"], "GEOFLEET_TLS_CLIENT_CA"),
        (["GEOFLEET_OSMAND_TLS_PORT": "70000"], "GEOFLEET_OSMAND_TLS_PORT"),
        (["GEOFLEET_HTTP_PLAIN": "maybe"], "GEOFLEET_HTTP_PLAIN"),
    ])
    func inconsistentSettingsStopTheStart(environment: [String: String], variable: String) {
        #expect {
            _ = try GeoFleetConfiguration.fromEnvironment(environment)
        } throws: { error in
            (error as? ConfigurationError)?.variable == variable
        }
    }
}
