extension GT06 {
    /// CRC-ITU as GT06 uses it, i.e. CRC-16/X-25, over Length … Serial number; check("123456789") = 0x906E.
    public static func crcITU(_ bytes: some Collection<UInt8>) -> UInt16 {
        ReflectedCRC16.x25.checksum(bytes)
    }

    /// CRC-ITU over raw memory, the frame decoder's path.
    static func crcITU(_ bytes: UnsafeRawBufferPointer) -> UInt16 {
        ReflectedCRC16.x25.checksum(bytes)
    }
}
