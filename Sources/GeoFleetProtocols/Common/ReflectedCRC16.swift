/// A table-driven reflected CRC-16 (refin = refout = true): the family Teltonika (CRC-16/IBM),
/// Ruptela (CRC-16/KERMIT) and GT06 (CRC-16/X-25) each pick one member of.
public struct ReflectedCRC16: Sendable {
    /// CRC-16/IBM (ARC): poly 0x8005 reflected, init 0, no final xor; check("123456789") = 0xBB3D.
    public static let ibm = ReflectedCRC16(reflectedPolynomial: 0xA001, initial: 0, xorOut: 0)
    /// CRC-16/KERMIT: poly 0x1021 reflected, init 0, no final xor; check("123456789") = 0x2189.
    public static let kermit = ReflectedCRC16(reflectedPolynomial: 0x8408, initial: 0, xorOut: 0)
    /// CRC-16/X-25 ("CRC-ITU" in GT06 documents): poly 0x1021 reflected, init and final xor 0xFFFF;
    /// check("123456789") = 0x906E.
    public static let x25 = ReflectedCRC16(reflectedPolynomial: 0x8408, initial: 0xFFFF, xorOut: 0xFFFF)

    private let table: [UInt16]
    private let initial: UInt16
    private let xorOut: UInt16

    public init(reflectedPolynomial: UInt16, initial: UInt16, xorOut: UInt16) {
        // One table lookup per byte instead of eight shift/xor steps.
        table = (0..<256).map { index in
            var crc = UInt16(index)
            for _ in 0..<8 {
                crc = crc & 1 != 0 ? (crc >> 1) ^ reflectedPolynomial : crc >> 1
            }
            return crc
        }
        self.initial = initial
        self.xorOut = xorOut
    }

    /// The CRC of `bytes`; contiguous inputs (arrays, slices, ByteBufferView) take the pointer path.
    public func checksum(_ bytes: some Collection<UInt8>) -> UInt16 {
        if let crc = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0)) }) {
            return crc
        }
        return table.withUnsafeBufferPointer { table in
            var crc = initial
            for byte in bytes {
                crc = (crc >> 8) ^ table[Int((crc ^ UInt16(byte)) & 0xFF)]
            }
            return crc ^ xorOut
        }
    }

    /// The CRC over raw memory, the frame decoders' path.
    public func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt16 {
        table.withUnsafeBufferPointer { table in
            var crc = initial
            for byte in bytes {
                crc = (crc >> 8) ^ table[Int((crc ^ UInt16(byte)) & 0xFF)]
            }
            return crc ^ xorOut
        }
    }
}
