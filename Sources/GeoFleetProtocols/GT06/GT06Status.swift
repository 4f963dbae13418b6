import GeoFleetCore

/// The terminal information block of heartbeats (0x13) and alarms (0x16/0x26): status bits, voltage, GSM.
public struct GT06Status: Sendable, Hashable {
    /// Raw terminal information byte: bit0 armed, bit1 ACC on, bit2 charging, bits 3–5 alarm,
    /// bit6 GPS tracking on, bit7 oil/electricity cut off.
    public var terminalInfo: UInt8
    /// Voltage level, 0 (no power) … 6 (full); some clones send a percentage instead.
    public var voltageLevel: UInt8
    /// GSM signal level, 0 (none) … 4 (strong).
    public var gsmSignal: UInt8

    public init(terminalInfo: UInt8, voltageLevel: UInt8, gsmSignal: UInt8) {
        self.terminalInfo = terminalInfo
        self.voltageLevel = voltageLevel
        self.gsmSignal = gsmSignal
    }

    /// Bit 0: defence (armed) on.
    public var armed: Bool { terminalInfo & 0x01 != 0 }
    /// Bit 1: ACC on.
    public var ignition: Bool { terminalInfo & 0x02 != 0 }
    /// Bit 2: charging (external power connected).
    public var charging: Bool { terminalInfo & 0x04 != 0 }
    /// Bits 3–5: 0 normal, 1 vibration, 2 power cut, 3 low battery, 4 SOS.
    public var alarmBits: UInt8 { (terminalInfo >> 3) & 0x07 }
    /// Bit 6: GPS tracking on.
    public var gpsTracking: Bool { terminalInfo & 0x40 != 0 }
    /// Bit 7: oil and electricity cut off (engine blocked).
    public var cutOff: Bool { terminalInfo & 0x80 != 0 }

    /// The alarm the status bits report (`.none` when normal; codes 5–7 are not defined by the protocol).
    public var alarm: GT06Alarm {
        switch alarmBits {
        case 0: .none
        case 1: .vibration
        case 2: .powerCut
        case 3: .lowBattery
        case 4: .sos
        default: .other(alarmBits)
        }
    }

    /// Battery charge in percent: levels 0–6 scaled to 0–100 (integer division, as Traccar); values 7–100
    /// taken as a percentage already (clones); nil above 100.
    public var batteryPercent: Int? {
        switch voltageLevel {
        case 0...6: Int(voltageLevel) * 100 / 6
        case 7...100: Int(voltageLevel)
        default: nil
        }
    }

    /// The status as named attributes: "status" (raw byte), "armed", "ignition", "charge", "blocked",
    /// "gpsTracking", "batteryLevel" (percent, when known), "gsm" (raw level), and "alarm" when the bits
    /// report one.
    public var attributes: [DeviceAttribute] {
        var out: [DeviceAttribute] = [
            DeviceAttribute("status", .int(Int64(terminalInfo))),
            DeviceAttribute("armed", .bool(armed)),
            DeviceAttribute("ignition", .bool(ignition)),
            DeviceAttribute("charge", .bool(charging)),
            DeviceAttribute("blocked", .bool(cutOff)),
            DeviceAttribute("gpsTracking", .bool(gpsTracking)),
        ]
        if let batteryPercent {
            out.append(DeviceAttribute("batteryLevel", .int(Int64(batteryPercent))))
        }
        out.append(DeviceAttribute("gsm", .int(Int64(gsmSignal))))
        if alarm != .none {
            out.append(DeviceAttribute("alarm", .string(alarm.name)))
        }
        return out
    }
}
