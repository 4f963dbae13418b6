/// One GT06 packet whose framing and CRC checked out: protocol number, information content and serial.
public struct GT06Frame: Sendable, Equatable {
    /// The message type (0x01 login, 0x12 location, 0x13 heartbeat, …).
    public var protocolNumber: UInt8
    /// The information content between the protocol number and the serial number.
    public var content: [UInt8]
    /// The device's packet counter; replies echo it.
    public var serial: UInt16
    /// True for a `7979` frame (2-byte length), false for `7878`.
    public var extended: Bool

    public init(protocolNumber: UInt8, content: [UInt8], serial: UInt16, extended: Bool = false) {
        self.protocolNumber = protocolNumber
        self.content = content
        self.serial = serial
        self.extended = extended
    }

    /// Whether the server must answer this frame (CONTRACT "Devices": login, heartbeat, alarms; plus time
    /// requests, whose answer is the time, and the position types beyond 0x10/0x12/0x22/0xA0 that Traccar
    /// answers). Login, heartbeat, alarm and time request are known from the protocol number alone, so a
    /// session can still answer one whose content it failed to decode; the answered position types only
    /// when their content holds a position (several numbers mean other things at other lengths), which
    /// only decoding tells.
    public var responseRequired: Bool {
        switch protocolNumber {
        case GT06.ProtocolNumber.login, GT06.ProtocolNumber.heartbeat, GT06.ProtocolNumber.alarm,
            GT06.ProtocolNumber.multiFenceAlarm, GT06.ProtocolNumber.timeRequest, GT06.ProtocolNumber.fenceAlarm,
            GT06.ProtocolNumber.fenceAlarm4G:
            return true
        default:
            return (try? GT06.decode(self))?.responseRequired ?? false
        }
    }
}
