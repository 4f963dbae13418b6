import GeoFleetApp
import Testing

/// `GEOFLEET_*` variables: defaults, values by section, and the one error format.
@Suite struct ConfigurationParsingTests {
    @Test func anEmptyEnvironmentGivesTheDefaults() throws {
        let c = try GeoFleetConfiguration.fromEnvironment([:])
        #expect(c.storage.dataDirectory == "./.geofleet")
        #expect(c.archive.directory == "./.geofleet/archive")
        #expect(c.listeners.httpPort == 8080 && c.listeners.ruptelaPort == 5046)
        #expect(c.writer.batchRows == 10_000 && c.writer.batchDelay == .milliseconds(200) && c.writer.timeout == .seconds(30))
        #expect(c.matching.moveThresholdMeters == 10_000)
        #expect(c.routing.profiles == ["car", "van", "rigid", "articulated"])
        #expect(c.storage.spoolMaxBytes == 1 << 30)
        #expect(c.events.webhookRetryHours == 48 && c.events.retentionDays == 30)
    }

    @Test func valuesLandInTheirSections() throws {
        let c = try GeoFleetConfiguration.fromEnvironment([
            "GEOFLEET_DATA_DIR": "/srv/geofleet", "GEOFLEET_WRITER_BATCH_MS": "50", "GEOFLEET_SPOOL_MAX_MB": "2",
            "GEOFLEET_FILTER_ZERO": "FALSE", "GEOFLEET_MATCH_MOVE_KM": "3", "GEOFLEET_ROUTING_PROFILES": " car , van ,",
            "GEOFLEET_JWT_AUTHORIZED_PARTIES": "https://a.example, https://b.example", "GEOFLEET_DATABASE_URL": "",
            "GEOFLEET_RATE_LIMIT_API_PER_MINUTE": "0", "GEOFLEET_HTTP_PORT": "",
            "GEOFLEET_WEBHOOK_RETRY_HOURS": "72", "GEOFLEET_EVENT_RETENTION_DAYS": "7",
        ])
        #expect(c.archive.directory == "/srv/geofleet/archive")
        #expect(c.writer.batchDelay == .milliseconds(50))
        #expect(c.storage.spoolMaxBytes == 2 << 20)
        #expect(c.filters.zero == false)
        #expect(c.matching.moveThresholdMeters == 3000)
        #expect(c.routing.profiles == ["car", "van"])
        #expect(c.auth.authorizedParties == ["https://a.example", "https://b.example"])
        #expect(c.storage.databaseURL == nil)
        #expect(c.rateLimits.apiPerMinute == 0)
        #expect(c.listeners.httpPort == 8080)
        #expect(c.events.webhookRetryHours == 72 && c.events.retentionDays == 7)
    }

    @Test(arguments: [
        ("GEOFLEET_WRITER_BATCH_ROWS", "abc", #"GEOFLEET_WRITER_BATCH_ROWS: expected an integer from 1 to 1000000, got "abc""#),
        ("GEOFLEET_HTTP_PORT", "70000", #"GEOFLEET_HTTP_PORT: expected an integer from 0 to 65535, got "70000""#),
        ("GEOFLEET_WEBHOOK_RETRY_HOURS", "12", #"GEOFLEET_WEBHOOK_RETRY_HOURS: expected an integer from 24 to 720, got "12""#),
        ("GEOFLEET_AUTO_REGISTER", "yes", #"GEOFLEET_AUTO_REGISTER: expected true or false, got "yes""#),
        ("GEOFLEET_ROUTING_EXTERNAL_KIND", "graphhopper", #"GEOFLEET_ROUTING_EXTERNAL_KIND: expected one of osrm, valhalla, got "graphhopper""#),
        (
            "GEOFLEET_ROUTING_PROFILES", "car,bike",
            #"GEOFLEET_ROUTING_PROFILES: expected a comma-separated list of car, van, rigid, articulated (bike is none of them), got "car,bike""#
        ),
    ])
    func aBadValueNamesTheVariableAndWhatItExpects(variable: String, value: String, message: String) {
        #expect {
            try GeoFleetConfiguration.fromEnvironment([variable: value])
        } throws: { error in
            (error as? ConfigurationError)?.description == message
        }
    }
}
