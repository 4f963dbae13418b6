import GeoFleetCore
import GeoFleetProtocols
import Testing

@Suite("Codec 16")
struct TeltonikaCodec16Tests {
    @Test("wiki Codec 16 example: two records with generation type")
    func wikiExample() throws {
        let packet = try TeltonikaFrames.packet("wiki-codec16")
        #expect(packet.codec == .codec16)
        #expect(packet.records.count == 2)
        let (a, b) = (packet.records[0], packet.records[1])
        #expect(a.timestamp == 1_562_760_414_000) // 00 00 01 6B DB C7 83 30 = 2019-07-10T12:06:54Z
        #expect(b.timestamp == 1_562_760_415_000) // 00 00 01 6B DB C7 87 18 = 2019-07-10T12:06:55Z
        for r in packet.records {
            #expect(r.priority == 0)
            #expect(r.longitude == 0 && r.latitude == 0 && r.altitude == 0 && r.angle == 0)
            #expect(r.satellites == 0 && r.speed == 0)
            #expect(r.eventIOID == 0x000B) // 00 0B (2 bytes in Codec 16)
            #expect(r.generationType == 5) // 05 on change
        }
        #expect(
            a.io == [ // N total 04
                u(0x0001, 0, width: 1), // N1 02: 00 01 -> 00
                u(0x0003, 0, width: 1), //        00 03 -> 00
                u(0x000B, 0x0027, width: 2), // N2 02: 00 0B -> 00 27 (39)
                u(0x0042, 0x563A, width: 2), //        00 42 -> 56 3A (22074)
            ]) // N4 00, N8 00
        #expect(
            b.io == [
                u(0x0001, 0, width: 1), u(0x0003, 0, width: 1),
                u(0x000B, 0x0026, width: 2), // 00 0B -> 00 26 (38)
                u(0x0042, 0x563A, width: 2),
            ])
    }

    /// Traccar Codec 16 frame with negative (south/west) coordinates, decoded by hand:
    /// 10 01 | 00000164D8554018 00 D5E3B744 EC11C762 023B 011A 06 0000 | 0000 07 20
    /// 0A (ids 0100 0105 0106 010D 010E 010F 0116 0117 0118 011F, all 00)
    /// 13 (ids 0101 0107…010C 0110…0115 0119…011E, all 0000) 03 (0102 0103 0104, all 00000000) 00 | 01
    @Test("negative coordinates and 2-byte IO ids above 255, by hand (Santiago de Chile)")
    func chileByHand() throws {
        let packet = try TeltonikaFrames.packet("traccar-codec16-chile")
        let r = try #require(packet.records.first)
        #expect(packet.records.count == 1)
        #expect(r.timestamp == 1_532_637_823_000) // 00 00 01 64 D8 55 40 18 = 2018-07-26T20:43:43Z
        #expect(r.longitude == -70.64967) // D5 E3 B7 44 = -706496700 (two's complement)
        #expect(r.latitude == -33.4379166) // EC 11 C7 62 = -334379166
        #expect(r.altitude == 571) // 02 3B
        #expect(r.angle == 282) // 01 1A
        #expect(r.satellites == 6) // 06
        #expect(r.speed == 0)
        #expect(r.eventIOID == 0) // 00 00
        #expect(r.generationType == 7) // 07 periodical
        let oneByte: [UInt16] = [0x100, 0x105, 0x106, 0x10D, 0x10E, 0x10F, 0x116, 0x117, 0x118, 0x11F]
        let twoByte: [UInt16] = [
            0x101, 0x107, 0x108, 0x109, 0x10A, 0x10B, 0x10C, 0x110, 0x111, 0x112,
            0x113, 0x114, 0x115, 0x119, 0x11A, 0x11B, 0x11C, 0x11D, 0x11E,
        ]
        let fourByte: [UInt16] = [0x102, 0x103, 0x104]
        let expected =
            oneByte.map { u($0, 0, width: 1) } + twoByte.map { u($0, 0, width: 2) }
            + fourByte.map { u($0, 0, width: 4) }
        #expect(r.io.count == 32) // 20
        #expect(r.io == expected)
        #expect(r.fix.valid)
        #expect(r.fix.latitude == -33.4379166)
    }
}
