import GeoFleetProtocols

extension FuzzTarget {
    /// Rewrites the length field and checksum of a mutated frame so that it passes framing: without
    /// this nearly every mutation dies at the CRC check and the message decoders behind it go untested.
    /// Inputs too short to carry a frame are returned unchanged.
    public func repaired(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        switch self {
        case .gt06:
            guard bytes.count >= 10 else { return input }
            let extended = bytes[0] == 0x79
            bytes[0] = extended ? 0x79 : 0x78
            bytes[1] = bytes[0]
            let lengthSize = extended ? 2 : 1
            let declared = bytes.count - 4 - lengthSize
            guard declared >= 5, declared <= (extended ? 0xFFFF : 0xFF) else { return input }
            if extended {
                bytes[2] = UInt8(declared >> 8)
                bytes[3] = UInt8(declared & 0xFF)
            } else {
                bytes[2] = UInt8(declared)
            }
            let crc = GT06.crcITU(bytes[2..<(bytes.count - 4)])
            bytes[bytes.count - 4] = UInt8(crc >> 8)
            bytes[bytes.count - 3] = UInt8(crc & 0xFF)
            bytes[bytes.count - 2] = 0x0D
            bytes[bytes.count - 1] = 0x0A
        case .ruptela:
            guard bytes.count >= 13 else { return input }
            let length = bytes.count - 4
            guard length <= 0xFFFF else { return input }
            bytes[0] = UInt8(length >> 8)
            bytes[1] = UInt8(length & 0xFF)
            let crc = Ruptela.crc16(bytes[2..<(bytes.count - 2)])
            bytes[bytes.count - 2] = UInt8(crc >> 8)
            bytes[bytes.count - 1] = UInt8(crc & 0xFF)
        case .teltonikaTCP:
            // The IMEI handshake (17 bytes), then one AVL frame: preamble, length, data, CRC.
            let frame = 17
            guard bytes.count >= frame + 8 + 3 + 4 else { return input }
            let dataLength = bytes.count - frame - 12
            for k in 0..<4 { bytes[frame + k] = 0 }
            for k in 0..<4 { bytes[frame + 4 + k] = UInt8((dataLength >> (8 * (3 - k))) & 0xFF) }
            let crc = Teltonika.crc16IBM(bytes[(frame + 8)..<(bytes.count - 4)])
            bytes[bytes.count - 4] = 0
            bytes[bytes.count - 3] = 0
            bytes[bytes.count - 2] = UInt8(crc >> 8)
            bytes[bytes.count - 1] = UInt8(crc & 0xFF)
        case .teltonikaUDP:
            guard bytes.count >= 2, bytes.count - 2 <= 0xFFFF else { return input }
            bytes[0] = UInt8((bytes.count - 2) >> 8)
            bytes[1] = UInt8((bytes.count - 2) & 0xFF)
        case .osmand:
            return input
        }
        return bytes
    }
}
