extension Teltonika {
    /// CRC-16/IBM over Codec ID … Number of Data 2; check("123456789") = 0xBB3D.
    public static func crc16IBM<C: Collection>(_ bytes: C) -> UInt16 where C.Element == UInt8 {
        ReflectedCRC16.ibm.checksum(bytes)
    }

    /// CRC-16/IBM over raw memory, the frame decoder's path.
    static func crc16IBM(_ bytes: UnsafeRawBufferPointer) -> UInt16 {
        ReflectedCRC16.ibm.checksum(bytes)
    }
}
