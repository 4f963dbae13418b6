import GeoFleetCore
import GeoFleetProtocols
import Testing

@Suite("Codec 8 Extended")
struct TeltonikaCodec8ExtendedTests {
    @Test("wiki Codec 8 Extended example: 2-byte ids and counts, empty NX group")
    func wikiExample() throws {
        let packet = try TeltonikaFrames.packet("wiki-codec8e")
        #expect(packet.codec == .codec8Extended)
        #expect(packet.records.count == 1)
        let r = try #require(packet.records.first)
        #expect(r.timestamp == 1_560_166_592_000) // 00 00 01 6B 41 2C EE 00 = 2019-06-10T11:36:32Z
        #expect(r.priority == 1)
        #expect(r.longitude == 0 && r.latitude == 0 && r.altitude == 0 && r.angle == 0)
        #expect(r.satellites == 0 && r.speed == 0)
        #expect(r.eventIOID == 1) // 00 01
        #expect(r.generationType == nil)
        #expect(
            r.io == [ // N total 00 05
                u(0x0001, 0x01, width: 1), // N1 00 01: 00 01 -> 01
                u(0x0011, 0x001D, width: 2), // N2 00 01: 00 11 -> 00 1D (29)
                u(0x0010, 0x015E_2C88, width: 4), // N4 00 01: 00 10 -> 01 5E 2C 88 (22949000)
                u(0x000B, 0x3544_C87A, width: 8), // N8 00 02: 00 0B -> 00 00 00 00 35 44 C8 7A (893700218)
                u(0x000E, 0x1DD7_E06A, width: 8), //           00 0E -> 00 00 00 00 1D D7 E0 6A (500686954)
            ]) // NX 00 00
    }

    /// Traccar frame with two NX elements (VIN and OBD DTC list), decoded by hand:
    /// 8E 01 | 00000178B11C9E10 00 040BBBC9 1F03190C 0021 00E1 13 0013 | 0000 0010
    /// 0006 00EF 01 00F0 01 0015 03 00C8 00 0045 01 001E 07
    /// 0005 0042 37E0 0018 000A 00CE 1662 0043 0F97 0024 059F
    /// 0003 00F1 00006659 00C7 0000001E 0010 0000A1B5 | 0000
    /// 0002 0100 0011 "WV1ZZZ2EZ86015388" 0119 0029 "P0299,P0675,P0674,P0672,P0671,P0471,P2BAC" | 01
    @Test("NX variable-length elements: VIN (id 256) and DTCs (id 281), by hand")
    func vinAndDTC() throws {
        let packet = try TeltonikaFrames.packet("traccar-codec8e-vin-dtc")
        #expect(packet.codec == .codec8Extended)
        let r = try #require(packet.records.first)
        #expect(packet.records.count == 1)
        #expect(r.timestamp == 1_617_879_146_000) // 00 00 01 78 B1 1C 9E 10 = 2021-04-08T10:52:26Z
        #expect(r.priority == 0)
        #expect(r.longitude == 6.7877833) // 04 0B BB C9 = 67877833
        #expect(r.latitude == 52.0296716) // 1F 03 19 0C = 520296716
        #expect(r.altitude == 33) // 00 21
        #expect(r.angle == 225) // 00 E1
        #expect(r.satellites == 19) // 13
        #expect(r.speed == 19) // 00 13
        #expect(r.eventIOID == 0)
        #expect(
            r.io == [ // N total 00 10 = 6 + 5 + 3 + 0 + 2
                u(239, 1, width: 1), u(240, 1, width: 1), u(21, 3, width: 1),
                u(200, 0, width: 1), u(69, 1, width: 1), u(30, 7, width: 1),
                u(66, 14304, width: 2), u(24, 10, width: 2), u(206, 5730, width: 2),
                u(67, 3991, width: 2), u(36, 1439, width: 2),
                u(241, 26201, width: 4), u(199, 30, width: 4), u(16, 41397, width: 4),
                IOElement(id: 256, value: .bytes(Array("WV1ZZZ2EZ86015388".utf8))),
                IOElement(id: 281, value: .bytes(Array("P0299,P0675,P0674,P0672,P0671,P0471,P2BAC".utf8))),
            ])
    }

    @Test("NX element: VIN only (Traccar frame)")
    func vinOnly() throws {
        let r = try #require(try TeltonikaFrames.packet("traccar-codec8e-vin").records.first)
        #expect(r.timestamp == 1_541_413_578_000) // 00 00 01 66 E3 68 A5 10 = 2018-11-05T10:26:18Z
        #expect(r.longitude == 25.2545883) // 0F 0D 8B 5B
        #expect(r.latitude == 54.6708533) // 20 96 1C 35
        #expect(r.io.count == 20) // 00 14
        #expect(r.io.last == IOElement(id: 256, value: .bytes(Array("1A1JC5444R7252367".utf8))))
    }

    /// Two records, each an event on AVL id 385 (BLE beacon) with one 23-byte NX value and no fixed groups:
    /// 8E 02 | 00000174431AADC1 00 061D888F 21000E8A 0032 002E 0C 0000 | 0181 0001 0000 0000 0000 0000
    /// 0001 0181 0017 11 21 0102030405060708090A0B0C0D0E0F10 02 0B 01 0A D0 | (record 2 …) | 02
    @Test("NX-only records in a two-record packet (BLE beacons, id 385)")
    func bleTwoRecords() throws {
        let packet = try TeltonikaFrames.packet("traccar-codec8e-ble")
        #expect(packet.records.count == 2)
        let first = packet.records[0]
        let second = packet.records[1]
        #expect(first.timestamp == 1_598_853_656_001) // 00 00 01 74 43 1A AD C1 (milliseconds .001)
        #expect(second.timestamp == 1_598_853_626_001) // 00 00 01 74 43 1A 38 91
        #expect(first.longitude == 10.2598799) // 06 1D 88 8F
        #expect(first.latitude == 55.365185) // 21 00 0E 8A = 553651850
        #expect(first.altitude == 50 && second.altitude == 51) // 00 32, 00 33
        #expect(first.angle == 46) // 00 2E
        #expect(first.satellites == 12 && second.satellites == 13)
        #expect(first.eventIOID == 385 && second.eventIOID == 385) // 01 81
        let beacon: [UInt8] = [0x11, 0x21] + Array(0x01...0x10) + [0x02, 0x0B, 0x01, 0x0A]
        #expect(first.io == [IOElement(id: 385, value: .bytes(beacon + [0xD0]))])
        #expect(second.io == [IOElement(id: 385, value: .bytes(beacon + [0xD2]))])
    }
}
