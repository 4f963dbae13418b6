import GeoFleetProtocols
import Testing

@Suite("CRC-16/IBM")
struct TeltonikaCRCTests {
    @Test("check value of \"123456789\" is 0xBB3D (contiguous and non-contiguous input)")
    func checkValue() {
        #expect(Teltonika.crc16IBM(Array("123456789".utf8)) == 0xBB3D)
        // A lazy map has no contiguous storage: exercises the generic path.
        #expect(Teltonika.crc16IBM("123456789".utf8.lazy.map { $0 }) == 0xBB3D)
        #expect(Teltonika.crc16IBM([UInt8]()) == 0)
    }

    @Test("every real AVL frame's CRC field matches the CRC of its data field", arguments: TeltonikaFrames.validAVL.map(\.name))
    func realFrames(name: String) {
        let frame = TeltonikaFrames.bytes(name)
        let crcField = frame.suffix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        #expect(UInt32(Teltonika.crc16IBM(TeltonikaFrames.avlData(name))) == crcField)
    }

    @Test("the wiki's Codec 8 example carries CRC 0x0000C7CF")
    func wikiCodec8() {
        #expect(Teltonika.crc16IBM(TeltonikaFrames.avlData("wiki-codec8-1")) == 0xC7CF)
    }
}
