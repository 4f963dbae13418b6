extension Teltonika {
    /// CRC-16/IBM (a.k.a. CRC-16/ARC): poly 0x8005 reflected (0xA001), init 0, no final xor; check("123456789") = 0xBB3D.
    public static func crc16IBM<C: Collection>(_ bytes: C) -> UInt16 where C.Element == UInt8 {
        // Contiguous inputs (arrays, ByteBufferView) take the pointer path: no per-byte generic dispatch.
        if let crc = bytes.withContiguousStorageIfAvailable({ crc16IBM(UnsafeRawBufferPointer($0)) }) {
            return crc
        }
        return crcTable.withUnsafeBufferPointer { table in
            var crc: UInt16 = 0
            for byte in bytes {
                crc = (crc >> 8) ^ table[Int((crc ^ UInt16(byte)) & 0xFF)]
            }
            return crc
        }
    }

    /// CRC-16/IBM over raw memory, the frame decoder's path.
    static func crc16IBM(_ bytes: UnsafeRawBufferPointer) -> UInt16 {
        crcTable.withUnsafeBufferPointer { table in
            var crc: UInt16 = 0
            for byte in bytes {
                crc = (crc >> 8) ^ table[Int((crc ^ UInt16(byte)) & 0xFF)]
            }
            return crc
        }
    }

    /// One table lookup per byte instead of eight shift/xor steps.
    static let crcTable: [UInt16] = (0..<256).map { index in
        var crc = UInt16(index)
        for _ in 0..<8 {
            crc = crc & 1 != 0 ? (crc >> 1) ^ 0xA001 : crc >> 1
        }
        return crc
    }
}
