import GeoFleetCore

extension Teltonika {
    /// A complete TCP AVL frame: preamble, data field length, AVL data, CRC. The inverse of the TCP decoder
    /// for packets it produced; used by the load simulator and tests.
    public static func encodeTCPFrame(_ packet: TeltonikaAVLPacket) -> [UInt8] {
        let data = encodeAVLData(packet)
        var out: [UInt8] = []
        out.reserveCapacity(data.count + 12)
        out.append(contentsOf: [0, 0, 0, 0])
        out.appendBE(UInt64(data.count), size: 4)
        out.append(contentsOf: data)
        // The CRC field is 4 bytes; its upper two are always zero.
        out.appendBE(UInt64(crc16IBM(data)), size: 4)
        return out
    }

    /// AVL data from Codec ID through Number of Data 2 (the part TCP and UDP share).
    ///
    /// At most 255 records fit the count byte. IO elements the codec cannot carry are left out:
    /// `.bytes` values outside Codec 8 Extended and `.unsigned` widths other than 1, 2, 4, 8.
    /// Codec 8 ids and the Codec 8 event id are truncated to one byte, as are Codec 8/16 group counts
    /// (so keep under 256 elements per width there).
    public static func encodeAVLData(_ packet: TeltonikaAVLPacket) -> [UInt8] {
        precondition(packet.records.count <= 255, "a Teltonika packet holds at most 255 records")
        let codec = packet.codec
        var out: [UInt8] = []
        out.reserveCapacity(3 + packet.records.count * (codec.minimumRecordSize + 32))
        out.append(codec.rawValue)
        out.append(UInt8(packet.records.count))
        for record in packet.records {
            encodeRecord(record, codec, into: &out)
        }
        out.append(UInt8(packet.records.count))
        return out
    }

    static func encodeRecord(_ record: TeltonikaRecord, _ codec: TeltonikaCodec, into out: inout [UInt8]) {
        out.appendBE(UInt64(bitPattern: record.timestamp), size: 8)
        out.append(record.priority)
        // Decoded coordinates are int/1e7, so multiplying back and rounding recovers the wire integer exactly.
        out.appendBE(UInt64(UInt32(bitPattern: Int32(clamping: Int64((record.longitude * 1e7).rounded())))), size: 4)
        out.appendBE(UInt64(UInt32(bitPattern: Int32(clamping: Int64((record.latitude * 1e7).rounded())))), size: 4)
        out.appendBE(UInt64(UInt16(bitPattern: record.altitude)), size: 2)
        out.appendBE(UInt64(record.angle), size: 2)
        out.append(record.satellites)
        out.appendBE(UInt64(record.speed), size: 2)
        out.appendBE(UInt64(record.eventIOID), size: codec.eventIDSize)
        if codec == .codec16 {
            out.append(record.generationType ?? 0)
        }

        var groups: [[IOElement]] = [[], [], [], []]
        var variable: [IOElement] = []
        for element in record.io {
            switch element.value {
            case .unsigned(_, let width):
                switch width {
                case 1: groups[0].append(element)
                case 2: groups[1].append(element)
                case 4: groups[2].append(element)
                case 8: groups[3].append(element)
                default: continue
                }
            case .bytes(let bytes):
                // NX lengths are 2 bytes on the wire.
                if codec == .codec8Extended && bytes.count <= Int(UInt16.max) { variable.append(element) }
            }
        }
        let countSize = codec.ioCountSize
        let idSize = codec.ioIDSize
        out.appendBE(UInt64(groups.reduce(variable.count) { $0 + $1.count }), size: countSize)
        for (group, width) in zip(groups, [1, 2, 4, 8]) {
            out.appendBE(UInt64(group.count), size: countSize)
            for element in group {
                out.appendBE(UInt64(element.id), size: idSize)
                if case .unsigned(let value, _) = element.value {
                    out.appendBE(value, size: width)
                }
            }
        }
        if codec == .codec8Extended {
            out.appendBE(UInt64(variable.count), size: 2)
            for element in variable {
                guard case .bytes(let bytes) = element.value else { continue }
                out.appendBE(UInt64(element.id), size: 2)
                out.appendBE(UInt64(bytes.count), size: 2)
                out.append(contentsOf: bytes)
            }
        }
    }
}

extension Array where Element == UInt8 {
    /// Appends the low `size` bytes of `value`, most significant first (truncating wider values).
    @inline(__always)
    fileprivate mutating func appendBE(_ value: UInt64, size: Int) {
        for shift in stride(from: (size - 1) * 8, through: 0, by: -8) {
            append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }
}

extension Teltonika {
    /// The TCP acknowledgement: the number of records accepted, as a 4-byte big-endian integer.
    public static func encodeTCPAck(accepted: Int) -> [UInt8] {
        let n = UInt32(clamping: accepted)
        return [UInt8(n >> 24), UInt8((n >> 16) & 0xFF), UInt8((n >> 8) & 0xFF), UInt8(n & 0xFF)]
    }
}
