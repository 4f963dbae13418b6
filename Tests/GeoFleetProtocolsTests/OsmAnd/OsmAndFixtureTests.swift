import GeoFleetCore
import GeoFleetProtocols
import Testing

@Suite("OsmAnd real requests")
struct OsmAndFixtureTests {
    @Test("the fixture file is complete and its clock matches")
    func fixtureFile() {
        #expect(OsmAndFixtures.fileNow == OsmAndFixtures.now)
        #expect(OsmAndFixtures.all.count == 24)
        #expect(Set(OsmAndFixtures.all.map(\.name)).count == OsmAndFixtures.all.count)
        #expect(OsmAndFixtures.all.allSatisfy { ($0.expect == nil) != ($0.error == nil) && !$0.source.isEmpty })
        // All 15 requests of Traccar's OsmAnd test, plus one of them with coordinates added.
        #expect(OsmAndFixtures.all.filter { $0.source.hasPrefix("traccar/traccar ") }.count == 16)
    }

    @Test("each accepted request yields exactly the expected positions", arguments: OsmAndFixtures.accepted)
    func accepted(_ fixture: OsmAndFixture) throws {
        let reports = try fixture.parse()
        let expected = try #require(fixture.expect)
        try #require(reports.count == expected.count)
        for (report, want) in zip(reports, expected) {
            #expect(report.deviceID == want.deviceID)
            let fix = report.fix
            #expect(fix.fixTime == want.fixTime, "fixTime \(UTCTime.iso8601(milliseconds: fix.fixTime))")
            #expect(abs(fix.latitude - want.lat) < 1e-7)
            #expect(abs(fix.longitude - want.lon) < 1e-7)
            #expect(abs(fix.speedKmh - want.speedKmh) < 1e-9, "speed \(fix.speedKmh)")
            #expect(fix.heading == want.heading)
            #expect(fix.altitude == want.altitude)
            #expect(fix.accuracy == want.accuracy)
            #expect(fix.hdop == want.hdop)
            #expect(fix.valid == want.valid)
            #expect(fix.satellites == 0 && fix.io.isEmpty)
            #expect(fix.attributes == want.attributes)
        }
    }

    @Test("each refused request is refused with the expected message", arguments: OsmAndFixtures.refused)
    func refused(_ fixture: OsmAndFixture) {
        #expect(throws: OsmAndError.self) { try fixture.parse() }
        do {
            _ = try fixture.parse()
        } catch {
            #expect(error.description == fixture.error)
        }
    }

    @Test("a batch keeps the order of its locations")
    func batchOrder() throws {
        let times = try OsmAndFixtures.named("client9-batch").parse().map(\.fix.fixTime)
        #expect(times == [1_750_001_112_000, 1_750_001_142_000])
    }

    @Test("the same phone sends the same position in every shape the clients use")
    func shapesAgree() throws {
        // Query (Traccar Client 8), form (SDK), JSON array (SDK uploadJson): one position, one meaning.
        let form = try OsmAndFixtures.named("sdk-form").parse()[0].fix
        let array = try OsmAndFixtures.named("sdk-json-array").parse()[0].fix
        let query = try OsmAndFixtures.named("client-android-moving").parse()[0].fix
        #expect(form.fixTime == array.fixTime && form.fixTime == query.fixTime)
        #expect(form.latitude == array.latitude && form.latitude == query.latitude)
        #expect(form.speedKmh == array.speedKmh)
        #expect(abs(query.speedKmh - 22.212) < 0.001) // 6.17 m/s
        // Traccar Client 9 JSON (m/s) agrees on the speed.
        let json = try OsmAndFixtures.named("client9-single").parse()[0].fix
        #expect(abs(json.speedKmh - 22.212) < 1e-9)
        #expect(json.fixTime == form.fixTime)
    }
}
