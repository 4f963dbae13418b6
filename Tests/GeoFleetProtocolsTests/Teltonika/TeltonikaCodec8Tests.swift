import GeoFleetCore
import GeoFleetProtocols
import Testing

@Suite("Codec 8")
struct TeltonikaCodec8Tests {
    @Test("wiki Codec 8 example 1: every field and IO element")
    func wikiExample1() throws {
        let packet = try TeltonikaFrames.packet("wiki-codec8-1")
        #expect(packet.codec == .codec8)
        #expect(packet.records.count == 1)
        let r = try #require(packet.records.first)
        #expect(r.timestamp == 1_560_161_086_000) // 00 00 01 6B 40 D8 EA 30 = 2019-06-10T10:04:46Z
        #expect(r.priority == 1) // 01 high
        #expect(r.longitude == 0) // 00 00 00 00
        #expect(r.latitude == 0) // 00 00 00 00
        #expect(r.altitude == 0) // 00 00
        #expect(r.angle == 0) // 00 00
        #expect(r.satellites == 0) // 00
        #expect(r.speed == 0) // 00 00
        #expect(r.eventIOID == 1) // 01
        #expect(r.generationType == nil)
        #expect(
            r.io == [
                u(0x15, 0x03, width: 1), // N1 = 02: id 15 -> 03
                u(0x01, 0x01, width: 1), //          id 01 -> 01
                u(0x42, 0x5E0F, width: 2), // N2 = 01: id 42 -> 5E 0F (24079)
                u(0xF1, 0x0000_601A, width: 4), // N4 = 01: id F1 -> 00 00 60 1A (24602)
                u(0x4E, 0, width: 8), // N8 = 01: id 4E -> 00 00 00 00 00 00 00 00
            ])
    }

    @Test("wiki Codec 8 example 2: no N4/N8 groups")
    func wikiExample2() throws {
        let r = try #require(try TeltonikaFrames.packet("wiki-codec8-2").records.first)
        #expect(r.timestamp == 1_560_161_136_000) // 00 00 01 6B 40 D9 AD 80 = 2019-06-10T10:05:36Z
        #expect(r.priority == 1)
        #expect(r.eventIOID == 1)
        #expect(r.io == [u(0x15, 3, width: 1), u(0x01, 1, width: 1), u(0x42, 0x5E10, width: 2)])
    }

    /// Traccar frame from a device near Vienna; values computed by hand from the bytes:
    /// 00000000 0000004C | 08 01 | 0000016818D50058 00 09C28D9F 1CB3757A 00BE 00C6 0F 0053 | 00 0F
    /// 06 F0 01 15 03 C8 00 01 01 1D 00 FC 00 | 07 42 3799 18 0053 CD F80D CE 426F 43 0F88 19 0BB8 56 0BB8
    /// 02 F1 00005AA1 10 002887E0 | 00 | 01 | 0000EE8D
    @Test("real coordinates, decoded by hand (Traccar frame, Vienna)")
    func viennaByHand() throws {
        let packet = try TeltonikaFrames.packet("traccar-codec8-vienna")
        #expect(packet.codec == .codec8)
        let r = try #require(packet.records.first)
        #expect(packet.records.count == 1)
        #expect(r.timestamp == 0x0000_0168_18D5_0058) // = 1_546_604_839_000 = 2019-01-04T12:27:19Z
        #expect(r.timestamp == 1_546_604_839_000)
        #expect(r.priority == 0) // 00
        #expect(r.longitude == 16.3745183) // 09 C2 8D 9F = 163745183 -> / 1e7
        #expect(r.latitude == 48.1523066) // 1C B3 75 7A = 481523066 -> / 1e7
        #expect(r.altitude == 190) // 00 BE
        #expect(r.angle == 198) // 00 C6
        #expect(r.satellites == 15) // 0F
        #expect(r.speed == 83) // 00 53 km/h
        #expect(r.eventIOID == 0) // 00 periodic
        #expect(r.io.count == 15) // 0F = 6 + 7 + 2 + 0
        #expect(
            r.io == [
                u(240, 1, width: 1), // F0 01 movement
                u(21, 3, width: 1), // 15 03 GSM signal
                u(200, 0, width: 1), // C8 00 sleep mode
                u(1, 1, width: 1), // 01 01 DIN1
                u(29, 0, width: 1), // 1D 00
                u(252, 0, width: 1), // FC 00
                u(66, 14233, width: 2), // 42 37 99 external voltage mV
                u(24, 83, width: 2), // 18 00 53 speed
                u(205, 63501, width: 2), // CD F8 0D GSM cell id
                u(206, 17007, width: 2), // CE 42 6F GSM area code
                u(67, 3976, width: 2), // 43 0F 88 battery voltage mV
                u(25, 3000, width: 2), // 19 0B B8
                u(86, 3000, width: 2), // 56 0B B8
                u(241, 23201, width: 4), // F1 00 00 5A A1 operator code
                u(16, 2_656_224, width: 4), // 10 00 28 87 E0 odometer m
            ])
        let fix = r.fix
        #expect(fix.fixTime == 1_546_604_839_000)
        #expect(fix.latitude == 48.1523066)
        #expect(fix.longitude == 16.3745183)
        #expect(fix.altitude == 190)
        #expect(fix.heading == 198)
        #expect(fix.speedKmh == 83)
        #expect(fix.satellites == 15)
        #expect(fix.valid)
        #expect(fix.io == r.io)
    }

    @Test("a record with zero satellites is an invalid fix")
    func noSatellitesIsInvalid() throws {
        let r = try #require(try TeltonikaFrames.packet("wiki-codec8-1").records.first)
        #expect(r.fix.valid == false)
    }

    @Test("wiki multi-record packet: two records, Number of Data 1 = 2")
    func wikiTwoRecords() throws {
        let packet = try TeltonikaFrames.packet("wiki-codec8-3")
        #expect(packet.codec == .codec8)
        #expect(packet.records.count == 2)
        // 00 00 01 6B 40 D5 7B 48 = 2019-06-10T10:01:01Z; 00 00 01 6B 40 D5 C1 98 = 2019-06-10T10:01:19Z
        #expect(packet.records.map(\.timestamp) == [1_560_160_861_000, 1_560_160_879_000])
        #expect(packet.records.map(\.priority) == [1, 1])
        #expect(packet.records.map(\.eventIOID) == [1, 1])
        #expect(packet.records[0].io == [u(0x01, 0, width: 1)]) // N1 = 01: id 01 -> 00
        #expect(packet.records[1].io == [u(0x01, 1, width: 1)]) // N1 = 01: id 01 -> 01
    }

    @Test("Traccar multi-record packets: buffered records with millisecond timestamps, out of order")
    func traccarMultiRecord() throws {
        let three = try TeltonikaFrames.packet("traccar-codec8-3records")
        // 0000017FCEDF4996, 0000017FCEDEA996, 00000179D5085318
        #expect(three.records.map(\.timestamp) == [0x17F_CEDF_4996, 0x17F_CEDE_A996, 0x179_D508_5318])
        #expect(three.records.map(\.timestamp) == [1_648_443_214_230, 1_648_443_173_270, 1_622_776_763_160])
        // 28 04 31 BE = 671363518, 0E DE D4 5D = 249484381, each / 1e7
        #expect(three.records[0].longitude == 67.1363518)
        #expect(three.records[0].latitude == 24.9484381)
        #expect(three.records[0].eventIOID == 250) // FA
        #expect(three.records.map(\.satellites) == [16, 19, 17])
        #expect(three.records.map(\.speed) == [0, 9, 97])
        #expect(three.records.map(\.io.count) == [16, 15, 15])

        #expect(try TeltonikaFrames.packet("traccar-codec8-4records").records.count == 4)
        #expect(try TeltonikaFrames.packet("traccar-codec8-8records").records.count == 8)
        #expect(try TeltonikaFrames.packet("traccar-codec8-14records").records.count == 14)
    }
}
