import GeoFleetCore

/// The meaning of one GT06 frame, as `GT06.decode` reads it.
public enum GT06Message: Sendable, Equatable {
    /// 0x01: the device's 15-digit IMEI and, from newer firmwares, its configured time zone (seconds east of
    /// UTC) to pass to later `decode` calls. Answer with `GT06.response`.
    case login(imei: String, timeZoneOffsetSeconds: Int?)
    /// 0x10, 0x12, 0x22, 0xA0, 0x34 (X1), 0x38, 0x21 (a `Current position!` text): a position. No answer.
    case location(DeviceFix)
    /// 0x11, 0x1E, 0x37, 0x61, 0x70, 0x95 and the model variants of 0x17, 0x24, 0x36 and 7979 0x32/0x33: a
    /// position the device expects answered, as Traccar answers it. Answer with `GT06.acknowledgement`
    /// once the fix is durable.
    case acknowledgedLocation(DeviceFix)
    /// 0x13: status only, no position. Answer with `GT06.response`.
    case heartbeat(GT06Status)
    /// 0x16, 0x26, 0x27, 0xA4, 0xA2 (LW4G): a position with status and alarm; the fix carries both as attributes. Answer with `GT06.response`.
    case alarm(DeviceFix, GT06Status, alarm: GT06Alarm)
    /// 0x8A: the device asks for the time. Answer with `GT06.timeResponse`.
    case timeRequest
    /// Any other protocol number: ignore it (no answer).
    case other(protocolNumber: UInt8)

    /// Whether the server must answer (CONTRACT "Devices": login, heartbeat, alarm; and time requests).
    public var responseRequired: Bool {
        switch self {
        case .login, .heartbeat, .alarm, .timeRequest, .acknowledgedLocation: true
        case .location, .other: false
        }
    }
}
