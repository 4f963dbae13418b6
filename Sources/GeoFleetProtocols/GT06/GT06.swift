/// Namespace for the Concox GT06 codec: limits, CRC-ITU, content decoding and server responses.
public enum GT06 {
    /// The largest Length field accepted (protocol number … error check), checked before buffering a frame.
    /// `7878` frames cannot exceed 255; `7979` frames carry a 2-byte length, and real ones stay well under
    /// 300 bytes, so 1 KiB bounds what one connection can make us buffer without refusing honest devices.
    public static let maxFrameLength: Int = 1024

    /// The smallest Length field: protocol number 1 + serial 2 + error check 2, with no content.
    public static let minFrameLength: Int = 5

    /// Protocol numbers this codec interprets: every type Traccar's decoder turns into a GPS position by
    /// the message type alone (no per-model configuration), plus login, heartbeat and time request.
    enum ProtocolNumber {
        static let login: UInt8 = 0x01
        static let gps: UInt8 = 0x10
        static let gpsLBSLongCell: UInt8 = 0x11
        static let gpsLBS: UInt8 = 0x12
        static let heartbeat: UInt8 = 0x13
        static let alarm: UInt8 = 0x16
        static let gpsCellList: UInt8 = 0x1E
        static let gpsLBS2: UInt8 = 0x22
        static let multiFenceAlarm: UInt8 = 0x26
        static let fenceAlarm: UInt8 = 0x27
        static let gpsLBSModules: UInt8 = 0x37
        static let timeRequest: UInt8 = 0x8A
        static let event: UInt8 = 0x95
        static let gpsLBS4G: UInt8 = 0xA0
        static let fenceAlarm4G: UInt8 = 0xA4
        // Shared numbers: a position only for one model's length (see `VariantLength`) or framing.
        static let gpsLBSRFID: UInt8 = 0x17
        static let sr411: UInt8 = 0x24
        static let az735GPS: UInt8 = 0x32
        static let az735Alarm: UInt8 = 0x33
        static let x1GPS: UInt8 = 0x34
        static let trx16i: UInt8 = 0x36
        static let gpsLBS8: UInt8 = 0x38
        static let iButton: UInt8 = 0x61
        static let lw4g: UInt8 = 0xA2
        static let modular: UInt8 = 0x70
        static let text: UInt8 = 0x21
    }
}
