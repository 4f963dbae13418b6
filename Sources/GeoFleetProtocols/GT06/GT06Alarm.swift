/// The alarm byte of GT06 alarm packets (0x16/0x26/0x27/0xA4, LW4G 0xA2), per Concox's protocol; clones reuse some codes
/// differently (Traccar maps 0x19 to hard acceleration for LW4G), so unknown codes stay `.other`.
public enum GT06Alarm: Sendable, Hashable {
    /// 0x00: no alarm (the packet reports status only).
    case none
    /// 0x01.
    case sos
    /// 0x02: external power cut.
    case powerCut
    /// 0x03.
    case vibration
    /// 0x04.
    case geofenceEnter
    /// 0x05.
    case geofenceExit
    /// 0x06.
    case overspeed
    /// 0x09: moved while parked (displacement).
    case movement
    /// 0x0E.
    case lowExternalBattery
    /// 0x19: low internal battery.
    case lowBattery
    /// Any other code, raw.
    case other(UInt8)

    public init(code: UInt8) {
        switch code {
        case 0x00: self = .none
        case 0x01: self = .sos
        case 0x02: self = .powerCut
        case 0x03: self = .vibration
        case 0x04: self = .geofenceEnter
        case 0x05: self = .geofenceExit
        case 0x06: self = .overspeed
        case 0x09: self = .movement
        case 0x0E: self = .lowExternalBattery
        case 0x19: self = .lowBattery
        default: self = .other(code)
        }
    }

    /// The value of the "alarm" attribute: the case name, "other" for unknown codes.
    public var name: String {
        switch self {
        case .none: "none"
        case .sos: "sos"
        case .powerCut: "powerCut"
        case .vibration: "vibration"
        case .geofenceEnter: "geofenceEnter"
        case .geofenceExit: "geofenceExit"
        case .overspeed: "overspeed"
        case .movement: "movement"
        case .lowExternalBattery: "lowExternalBattery"
        case .lowBattery: "lowBattery"
        case .other: "other"
        }
    }
}
