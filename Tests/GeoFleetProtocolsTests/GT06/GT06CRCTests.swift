import GeoFleetProtocols
import Testing

@Suite("GT06 CRC-ITU")
struct GT06CRCTests {
    @Test("check value of \"123456789\" is 0x906E (contiguous and non-contiguous input)")
    func checkValue() {
        #expect(GT06.crcITU(Array("123456789".utf8)) == 0x906E)
        // A lazy map has no contiguous storage: exercises the generic path.
        #expect(GT06.crcITU("123456789".utf8.lazy.map { $0 }) == 0x906E)
        #expect(GT06.crcITU([UInt8]()) == 0x0000)
    }

    @Test("every real frame that frames has a CRC field equal to the CRC-ITU of length … serial", arguments: GT06Fixtures.framed.map(\.name))
    func realFrames(name: String) {
        let frame = GT06Fixtures.bytes(name)
        let crcField = UInt16(frame[frame.count - 4]) << 8 | UInt16(frame[frame.count - 3])
        #expect(GT06.crcITU(frame[2..<(frame.count - 4)]) == crcField)
    }

    @Test("the notes' login example carries CRC 0x8CDD, its reply 0xD9DC")
    func notesExample() {
        #expect(GT06.crcITU([0x0D, 0x01, 0x01, 0x23, 0x45, 0x67, 0x89, 0x01, 0x23, 0x45, 0x00, 0x01]) == 0x8CDD)
        #expect(GT06.crcITU([0x05, 0x01, 0x00, 0x01]) == 0xD9DC)
    }
}
