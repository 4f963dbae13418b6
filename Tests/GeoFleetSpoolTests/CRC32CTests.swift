import GeoFleetSpool
import Testing

@Suite struct CRC32CTests {
    /// Bit-at-a-time reference, to check the slicing-by-8 tables.
    private func reference(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }

    @Test func checkValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([]) == 0)
    }

    @Test func knownVectors() {
        // RFC 3720 (iSCSI) B.4 test vectors.
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
    }

    @Test func matchesBitwiseReferenceForEveryAlignmentAndLength() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<100 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(CRC32C.checksum(bytes) == reference(bytes), "length \(length)")
        }
    }

    @Test func incrementalUpdateEqualsOneShot() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 13) }
        let running = bytes.withUnsafeBytes { raw in
            ~CRC32C.update(
                CRC32C.update(0xFFFF_FFFF, UnsafeRawBufferPointer(rebasing: raw[..<333])),
                UnsafeRawBufferPointer(rebasing: raw[333...]))
        }
        #expect(running == CRC32C.checksum(bytes))
    }
}
