/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), slicing-by-8.
///
/// Why Castagnoli: better error detection than CRC-32 (IEEE) for the same cost, and the
/// common choice for storage formats (iSCSI, ext4, LevelDB). Check value of "123456789" is
/// 0xE3069283.
package enum CRC32C {
    /// 8 tables of 256 entries, flattened: `tables[k * 256 + byte]`.
    private static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for n in 0..<256 {
            var c = UInt32(n)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
            t[n] = c
        }
        for k in 1..<8 {
            for n in 0..<256 {
                let previous = t[(k - 1) * 256 + n]
                t[k * 256 + n] = (previous >> 8) ^ t[Int(previous & 0xFF)]
            }
        }
        return t
    }()

    /// CRC-32C of `bytes`.
    package static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        ~update(0xFFFF_FFFF, bytes)
    }

    /// CRC-32C of `bytes`.
    package static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// Continues a running (pre-inverted) CRC over `bytes`; start with 0xFFFFFFFF, invert at the end.
    package static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        tables.withUnsafeBufferPointer { t in
            var crc = crc
            var i = 0
            let count = bytes.count
            // Bytes are loaded one at a time so the result does not depend on host endianness.
            while count - i >= 8 {
                let low =
                    UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16
                    | UInt32(bytes[i + 3]) << 24
                crc ^= low
                crc =
                    t[7 * 256 + Int(crc & 0xFF)] ^ t[6 * 256 + Int((crc >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((crc >> 16) & 0xFF)] ^ t[4 * 256 + Int(crc >> 24)]
                    ^ t[3 * 256 + Int(bytes[i + 4])] ^ t[2 * 256 + Int(bytes[i + 5])]
                    ^ t[1 * 256 + Int(bytes[i + 6])] ^ t[Int(bytes[i + 7])]
                i += 8
            }
            while i < count {
                crc = (crc >> 8) ^ t[Int((crc ^ UInt32(bytes[i])) & 0xFF)]
                i += 1
            }
            return crc
        }
    }
}
