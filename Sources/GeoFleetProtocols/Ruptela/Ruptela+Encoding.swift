extension Ruptela {
    /// A server-to-device packet: length (1 + payload), command, payload, CRC over command … payload.
    public static func encodeServerPacket(command: UInt8, payload: [UInt8]) -> [UInt8] {
        precondition(payload.count < Int(UInt16.max), "a Ruptela packet body is at most 65535 bytes")
        var out: [UInt8] = []
        out.reserveCapacity(payload.count + 5)
        out.appendBE(UInt64(1 + payload.count), size: 2)
        out.append(command)
        out.append(contentsOf: payload)
        out.appendBE(UInt64(crc16(out[2...])), size: 2)
        return out
    }

    /// A device-to-server packet for `frame`, the inverse of `RuptelaFrameDecoder`; used by the load simulator
    /// and tests. The IMEI must be 1 to 15 digits.
    public static func encodeFrame(_ frame: RuptelaFrame) -> [UInt8] {
        guard frame.imei.count <= 15, let imei = UInt64(frame.imei) else {
            preconditionFailure("a Ruptela IMEI is at most 15 decimal digits")
        }
        precondition(frame.payload.count <= Int(UInt16.max) - minimumFrameLength, "payload too large")
        var out: [UInt8] = []
        out.reserveCapacity(frame.payload.count + 13)
        out.appendBE(UInt64(minimumFrameLength + frame.payload.count), size: 2)
        out.appendBE(imei, size: 8)
        out.append(frame.command)
        out.append(contentsOf: frame.payload)
        out.appendBE(UInt64(crc16(out[2...])), size: 2)
        return out
    }
}

extension Array where Element == UInt8 {
    /// Appends the low `size` bytes of `value`, most significant first.
    @inline(__always)
    fileprivate mutating func appendBE(_ value: UInt64, size: Int) {
        for shift in stride(from: (size - 1) * 8, through: 0, by: -8) {
            append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }
}
