extension Teltonika {
    /// The IMEI packet a device sends first: 2-byte big-endian length, then the IMEI as ASCII.
    public static func encodeIMEI(_ imei: String) -> [UInt8] {
        let digits = Array(imei.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(2 + digits.count)
        out.append(UInt8(truncatingIfNeeded: digits.count >> 8))
        out.append(UInt8(truncatingIfNeeded: digits.count))
        out.append(contentsOf: digits)
        return out
    }

    /// IMEIs are 15 digits; some firmwares pad to 16 or 17 (IMEISV), so the length field may be 15...17.
    static let imeiLengths: ClosedRange<Int> = 15...17

    /// Validates the IMEI body (after the length field): ASCII digits only.
    static func parseIMEI(_ bytes: UnsafeRawBufferPointer) throws(TeltonikaDecodingError) -> String {
        guard imeiLengths.contains(bytes.count) else { throw .badIMEILength(bytes.count) }
        for byte in bytes where !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
            throw .badIMEICharacters
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
