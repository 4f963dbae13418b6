extension Ruptela {
    /// CRC-16/KERMIT over the IMEI … payload bytes, sent big-endian after them; check("123456789") = 0x2189.
    public static func crc16(_ bytes: some Collection<UInt8>) -> UInt16 {
        ReflectedCRC16.kermit.checksum(bytes)
    }

    /// CRC-16/KERMIT over raw memory, the frame decoder's path.
    static func crc16(_ bytes: UnsafeRawBufferPointer) -> UInt16 {
        ReflectedCRC16.kermit.checksum(bytes)
    }
}
