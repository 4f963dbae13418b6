/// Namespace for the Concox GT06 codec: limits, CRC-ITU, content decoding and server responses.
public enum GT06 {
    /// The largest Length field accepted (protocol number … error check), checked before buffering a frame.
    /// `7878` frames cannot exceed 255; `7979` frames carry a 2-byte length, and real ones stay well under
    /// 300 bytes, so 1 KiB bounds what one connection can make us buffer without refusing honest devices.
    public static let maxFrameLength: Int = 1024

    /// The smallest Length field: protocol number 1 + serial 2 + error check 2, with no content.
    public static let minFrameLength: Int = 5

    /// Protocol numbers this codec interprets.
    enum ProtocolNumber {
        static let login: UInt8 = 0x01
        static let gps: UInt8 = 0x10
        static let gpsLBS: UInt8 = 0x12
        static let heartbeat: UInt8 = 0x13
        static let alarm: UInt8 = 0x16
        static let gpsLBS2: UInt8 = 0x22
        static let multiFenceAlarm: UInt8 = 0x26
        static let timeRequest: UInt8 = 0x8A
        static let gpsLBS4G: UInt8 = 0xA0
    }
}
