import GeoFleetCore
import GeoFleetProtocols
import Testing

@Suite("Ruptela CRC-16/KERMIT and acknowledgements")
struct RuptelaCRCTests {
    @Test("check value of \"123456789\" is 0x2189 (contiguous and non-contiguous input)")
    func checkValue() {
        #expect(RuptelaFixtures.crcCheck.crc == "2189")
        #expect(Ruptela.crc16(Array("123456789".utf8)) == 0x2189)
        // A lazy map has no contiguous storage: exercises the generic path.
        #expect(Ruptela.crc16("123456789".utf8.lazy.map { $0 }) == 0x2189)
        #expect(Ruptela.crc16([UInt8]()) == 0)
    }

    @Test("every real frame's CRC field is the CRC of IMEI … payload", arguments: RuptelaFixtures.all.map(\.name))
    func realFrames(name: String) {
        let bytes = RuptelaFixtures.bytes(name)
        let field = UInt16(bytes[bytes.count - 2]) << 8 | UInt16(bytes[bytes.count - 1])
        #expect(Ruptela.crc16(bytes[2..<(bytes.count - 2)]) == field)
        #expect(String(field, radix: 16).leftPadded(to: 4) == RuptelaFixtures.named(name).expect.crc)
    }

    @Test("records ACK bytes: 00 02 64 01 13 BC positive, 00 02 64 00 02 35 negative")
    func acks() {
        #expect(Ruptela.ack(positive: true) == [0x00, 0x02, 0x64, 0x01, 0x13, 0xBC])
        #expect(Ruptela.ack(positive: false) == [0x00, 0x02, 0x64, 0x00, 0x02, 0x35])
        #expect(Ruptela.ack(positive: true).hexString == RuptelaFixtures.acks.positive)
        #expect(Ruptela.ack(positive: false).hexString == RuptelaFixtures.acks.negative)
    }

    @Test("server packets: length = 1 + payload, CRC over command … payload")
    func serverPacket() {
        #expect(Ruptela.encodeServerPacket(command: 115, payload: [1]) == [0x00, 0x02, 0x73, 0x01, 0xCB, 0x25])
        // Traccar's encoder test: " Setio 2,1" as SMS via GPRS (command 108).
        #expect(
            Ruptela.encodeServerPacket(command: 108, payload: Array(" Setio 2,1".utf8))
                == [UInt8](hex: "000b6c20536574696F20322C31eb3e"))
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
