import GeoFleetCore

extension GT06 {
    /// A server packet: `7878 len proto content serial crc 0D0A`, or `7979` with a 2-byte length when the
    /// content does not fit a 1-byte length. The CRC-ITU covers length … serial.
    /// `extended` asks for `7979` whatever the length (the AZ735 answers its 7979 positions in kind).
    public static func response(protocolNumber: UInt8, serial: UInt16, content: [UInt8] = [], extended: Bool = false) -> [UInt8] {
        let length = minFrameLength + content.count
        let extended = extended || length > Int(UInt8.max)
        var out: [UInt8] = []
        out.reserveCapacity(length + (extended ? 6 : 5))
        if extended {
            out.append(contentsOf: [0x79, 0x79, UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)])
        } else {
            out.append(contentsOf: [0x78, 0x78, UInt8(length)])
        }
        out.append(protocolNumber)
        out.append(contentsOf: content)
        out.append(contentsOf: [UInt8(serial >> 8), UInt8(serial & 0xFF)])
        let crc = crcITU(out[2...])
        out.append(contentsOf: [UInt8(crc >> 8), UInt8(crc & 0xFF), 0x0D, 0x0A])
        return out
    }

    /// The answer to a 0x8A time request: content YY MM DD hh mm ss of `now` (ms since the epoch) in UTC.
    /// The device's serial is echoed, as in every other reply (Traccar sends 0; devices ignore it either way).
    public static func timeResponse(serial: UInt16, now: Int64) -> [UInt8] {
        let t = UTCTime.components(milliseconds: now)
        let content = [t.year - 2000, t.month, t.day, t.hour, t.minute, t.second].map { UInt8(clamping: $0) }
        return response(protocolNumber: ProtocolNumber.timeRequest, serial: serial, content: content)
    }

    /// The reply `frame` needs, or nil when it needs none: the plain acknowledgement for login, heartbeat,
    /// alarms and answered positions, the current time for a time request.
    public static func response(to frame: GT06Frame, now: Int64) -> [UInt8]? {
        guard frame.responseRequired else { return nil }
        if frame.protocolNumber == ProtocolNumber.timeRequest {
            return timeResponse(serial: frame.serial, now: now)
        }
        return acknowledgement(of: frame)
    }

    /// The plain acknowledgement of `frame`: its protocol number and serial echoed, in `7878` framing but
    /// for the AZ735's 7979 0x32/0x33, which Traccar answers in `7979`.
    public static func acknowledgement(of frame: GT06Frame) -> [UInt8] {
        let az735 =
            frame.extended
            && (frame.protocolNumber == ProtocolNumber.az735GPS || frame.protocolNumber == ProtocolNumber.az735Alarm)
        return response(protocolNumber: frame.protocolNumber, serial: frame.serial, extended: az735)
    }
}
