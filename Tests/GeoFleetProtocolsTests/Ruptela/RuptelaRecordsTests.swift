import GeoFleetCore
import GeoFleetProtocols
import Testing

@Suite("Ruptela records (commands 1 and 68)")
struct RuptelaRecordsTests {
    @Test(
        "every real records frame decodes to the fixture's values", arguments: RuptelaFixtures.records.filter { $0.expect.framing == nil }.map(\.name)
    )
    func fixtureValues(name: String) throws {
        let fixture = RuptelaFixtures.named(name)
        let expected = try #require(fixture.expect.fixes)
        let (fixes, left) = try RuptelaFixtures.records(name)
        #expect(left == fixture.expect.recordsLeft)
        try #require(fixes.count == expected.count)
        for (index, (fix, want)) in zip(fixes, expected).enumerated() {
            #expect(fix.fixTime == want.fixTime, "fix \(index)")
            // The wire carries 1e-7 degrees: both sides divide the same integer by 1e7.
            #expect(fix.latitude == want.latitude, "fix \(index)")
            #expect(fix.longitude == want.longitude, "fix \(index)")
            #expect(abs(fix.latitude - want.latitude) < 1e-7 && abs(fix.longitude - want.longitude) < 1e-7)
            #expect(fix.altitude == want.altitude, "fix \(index)")
            #expect(fix.heading == want.heading, "fix \(index)")
            #expect(fix.speedKmh == want.speedKmh, "fix \(index)")
            #expect(fix.satellites == want.satellites, "fix \(index)")
            #expect(fix.hdop == want.hdop, "fix \(index)")
            #expect(fix.valid == want.valid, "fix \(index)")
            #expect(fix.accuracy == nil)
            #expect(fix.attributes == fixture.expectedAttributes[index], "fix \(index)")
            #expect(fix.io == fixture.expectedIO[index], "fix \(index)")
        }
    }

    /// 0080 | 0003167D765C155D | 01 | 00 01 | 60CD0A31 00 00 FAAE43F7 176EE457 0233 2B0C 12 0000 06 07 | 0D …
    @Test("command 1, decoded by hand (Traccar frame, Portugal)")
    func commandOneByHand() throws {
        let (fixes, left) = try RuptelaFixtures.records("traccar-records-2021")
        #expect(left == 0)
        let fix = try #require(fixes.first)
        #expect(fixes.count == 1)
        #expect(fix.fixTime == 1_624_050_225_000) // 60 CD 0A 31 = 2021-06-18T21:03:45Z
        #expect(fix.longitude == -8.9242633) // FA AE 43 F7 = -89242633
        #expect(fix.latitude == 39.3143383) // 17 6E E4 57 = 393143383
        #expect(fix.altitude == 56.3) // 02 33 = 563 dm
        #expect(fix.heading == 110.2) // 2B 0C = 11020 centidegrees
        #expect(fix.satellites == 18) // 12
        #expect(fix.speedKmh == 0) // 00 00
        #expect(fix.hdop == 0.6) // 06
        #expect(fix.valid)
        #expect(fix.attributes == [DeviceAttribute("priority", .int(0)), DeviceAttribute("event", .int(7))])
        #expect(fix.io.count == 25)
        // 1-byte group: 0D entries, the first 05 00 and 73 00; ids are one byte in command 1.
        #expect(fix.io.prefix(2) == [ruptelaIO(5, 0, width: 1), ruptelaIO(0x73, 0, width: 1)])
    }

    /// The npm `ruptela` package's test frame; its README lists this record's decoded values.
    /// 0045 | 000070473AFAEDD9 | 44 | 00 01 | 59FC5A40 00 00 00 D3E542F6 184A3782 0929 465A 09 0000 0C 0007 |
    /// 01 0005 00 | 05 001D 3A0C 001E 0FF0 0193 0000 0192 0000 0089 0000 | 01 0041 000004AF | 00 | 4DC3
    @Test("command 68, decoded by hand (npm ruptela README record)")
    func commandSixtyEightByHand() throws {
        let (fixes, left) = try RuptelaFixtures.records("dimitrievski-ext-readme")
        #expect(left == 0)
        let fix = try #require(fixes.first)
        #expect(fixes.count == 1)
        #expect(fix.fixTime == 1_509_710_400_000) // 59 FC 5A 40 = 2017-11-03T12:00:00Z
        #expect(fix.longitude == -73.9949834) // README: -739949834
        #expect(fix.latitude == 40.7517058) // README: 407517058
        #expect(fix.altitude == 234.5) // README: 2345 dm
        #expect(fix.heading == 180.1) // README: 18010
        #expect(fix.satellites == 9)
        #expect(fix.speedKmh == 0)
        #expect(fix.hdop == 1.2) // README: 12
        #expect(fix.valid)
        #expect(fix.attributes == [DeviceAttribute("priority", .int(0)), DeviceAttribute("event", .int(7))])
        // Two-byte ids; README: 5:0, 29:14860, 30:4080, 65:1199, 137:0, 402:0, 403:0.
        #expect(
            fix.io == [
                ruptelaIO(5, 0, width: 1),
                ruptelaIO(29, 14860, width: 2), ruptelaIO(30, 4080, width: 2), ruptelaIO(403, 0, width: 2),
                ruptelaIO(402, 0, width: 2), ruptelaIO(137, 0, width: 2),
                ruptelaIO(65, 1199, width: 4),
            ])
    }

    /// Traccar's 4-record extended frame: record extension 30, 31, 32, 33 = one record in four parts.
    @Test("split extended records merge into one fix carrying every part's IO")
    func mergedParts() throws {
        let (fixes, _) = try RuptelaFixtures.records("traccar-ext-merged-4")
        #expect(RuptelaFixtures.named("traccar-ext-merged-4").expect.wireRecords == 4)
        let fix = try #require(fixes.first)
        #expect(fixes.count == 1)
        #expect(fix.fixTime == 1_476_824_906_000) // 58 06 8F 4A = 2016-10-18T21:08:26Z
        #expect(fix.longitude == 21.923265) // 0D 11 39 8A
        #expect(fix.latitude == 47.0555133) // 1C 0C 19 FD
        #expect(fix.altitude == 138.1) // 05 65
        #expect(fix.heading == 92.2) // 24 04
        #expect(fix.satellites == 11) // 0B
        #expect(fix.speedKmh == 12) // 00 0C
        #expect(fix.hdop == 1.0) // 0A
        #expect(fix.attributes == [DeviceAttribute("priority", .int(0)), DeviceAttribute("event", .int(9))])
        #expect(fix.io.count == 24 + 23 + 22 + 1)
        #expect(fix.io.last == ruptelaIO(142, 0, width: 8)) // part 3: one 8-byte element, id 008E

        // Eight records = two records (timestamp extension 0 and 1) of four parts each, in the same second.
        let (two, _) = try RuptelaFixtures.records("traccar-ext-merged-8")
        #expect(two.count == 2)
        #expect(two.map(\.fixTime) == [1_476_824_891_000, 1_476_824_891_001], "the timestamp extension keeps them apart")
        #expect(two.map(\.io.count) == [70, 70])
        #expect(two[1].attributes.last == DeviceAttribute("timestampExtension", .int(1)))
    }

    @Test("Traccar's driver id cross-check: IO 34 (8 bytes) holds 01D042F31D000030")
    func driverID() throws {
        let (fixes, _) = try RuptelaFixtures.records("traccar-ext-driver-id")
        let fix = try #require(fixes.first)
        #expect(fixes.count == 1) // record extension 20, 21, 22: three parts
        #expect(fix.io.contains(ruptelaIO(34, 0x01D0_42F3_1D00_0030, width: 8)))
        #expect(fix.io.count == 25 + 21 + 9)
        #expect(fix.latitude == 33.53196 && fix.longitude == -7.637765)
    }

    /// 386D438B 00 00 80000000 80000000 8000 FFFF FF FFFF FF 07 | 02 20 21 1B FF | 01 1D 30C5 | 00 | 00
    @Test("records without a position (lon/lat 0x80000000) are zeroed, invalid fixes that keep their IO")
    func noPosition() throws {
        let (fixes, left) = try RuptelaFixtures.records("traccar-records-nofix-29")
        #expect(left == 1) // more records queued on the device
        #expect(fixes.count == 29)
        #expect(fixes.allSatisfy { !$0.valid && $0.latitude == 0 && $0.longitude == 0 && $0.hdop == nil })
        let first = try #require(fixes.first)
        #expect(first.fixTime == 946_684_811_000) // 2000-01-01T00:00:11Z: the clock was not set yet
        #expect(first.satellites == 0 && first.speedKmh == 0 && first.altitude == 0 && first.heading == 0)
        #expect(first.io == [ruptelaIO(32, 33, width: 1), ruptelaIO(27, 255, width: 1), ruptelaIO(29, 12485, width: 2)])
        #expect(fixes[2].attributes == [DeviceAttribute("priority", .int(1)), DeviceAttribute("event", .int(173))])
    }

    @Test("validity: zero satellites or exactly 0/0 is invalid")
    func validity() throws {
        // One command 1 record: 0/0 with 5 satellites, then a copy with a position and 0 satellites.
        func record(lon: Int32, lat: Int32, satellites: UInt8) -> [UInt8] {
            var r: [UInt8] = [0x59, 0xFC, 0x5A, 0x40, 0x00, 0x00]
            r += withUnsafeBytes(of: lon.bigEndian, Array.init) + withUnsafeBytes(of: lat.bigEndian, Array.init)
            r += [0x00, 0x64, 0x00, 0x00, satellites, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x00, 0x00]
            return r
        }
        let payload =
            [0x00, 0x03] + record(lon: 0, lat: 0, satellites: 5)
            + record(lon: 253_000_000, lat: 546_000_000, satellites: 0)
            + record(lon: 253_000_000, lat: 546_000_000, satellites: 7)
        let message = try Ruptela.decode(RuptelaFrame(imei: "863071016796572", command: 1, payload: payload))
        guard case .records(let fixes, _) = message else { Issue.record("not records"); return }
        #expect(fixes.map(\.valid) == [false, false, true])
        #expect(fixes[2].latitude == 54.6 && fixes[2].longitude == 25.3 && fixes[2].altitude == 10)
    }

    @Test("an extended part whose head is in an earlier packet stands alone")
    func orphanPart() throws {
        // Take the merged-4 frame's last part (extension 33) on its own: records left 0, count 1.
        let payload = RuptelaFixtures.named("traccar-ext-merged-4").payload
        let lastPart = Array(payload.suffix(4 + 1 + 1 + 1 + 16 + 2 + 4 + 2 + 8))
        #expect(lastPart[5] == 0x33)
        let message = try Ruptela.decode(RuptelaFrame(imei: "868324023580306", command: 68, payload: [0, 1] + lastPart))
        guard case .records(let fixes, _) = message else { Issue.record("not records"); return }
        #expect(fixes.count == 1)
        #expect(fixes.first?.io == [ruptelaIO(142, 0, width: 8)])
        #expect(fixes.first?.latitude == 47.0555133)
    }
}
