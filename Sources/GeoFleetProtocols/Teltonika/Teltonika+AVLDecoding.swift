import GeoFleetCore
import NIOCore

extension Teltonika {
    /// Decodes AVL data from Codec ID through Number of Data 2 (the part TCP and UDP share) and consumes it.
    ///
    /// Bytes after Number of Data 2 are left unread for the caller to judge. On a throw the buffer is left
    /// untouched. Every count read from the wire is checked against the bytes actually present before it
    /// sizes an allocation.
    public static func decodeAVLData(_ buffer: inout ByteBuffer) throws(TeltonikaDecodingError) -> TeltonikaAVLPacket {
        // Work on a copy (no storage copy: only the reader index moves) so a failure leaves the caller's buffer as it was.
        var reader = buffer
        let codecID: UInt8 = try reader.readBE()
        guard let codec = TeltonikaCodec(rawValue: codecID) else { throw .unsupportedCodec(codecID) }
        let count: UInt8 = try reader.readBE()
        // Each record needs at least minimumRecordSize bytes, and Number of Data 2 follows them.
        let available = max(reader.readableBytes - 1, 0)
        guard Int(count) * codec.minimumRecordSize <= available else {
            throw .implausibleRecordCount(count: Int(count), availableBytes: available)
        }
        var records: [TeltonikaRecord] = []
        records.reserveCapacity(Int(count))
        for _ in 0..<count {
            records.append(try decodeRecord(codec, &reader))
        }
        let count2: UInt8 = try reader.readBE()
        guard count2 == count else { throw .recordCountMismatch(first: count, second: count2) }
        buffer = reader
        return TeltonikaAVLPacket(codec: codec, records: records)
    }

    /// One AVL record: timestamp, priority, GPS element, IO element.
    static func decodeRecord(_ codec: TeltonikaCodec, _ buffer: inout ByteBuffer) throws(TeltonikaDecodingError) -> TeltonikaRecord {
        let timestamp: UInt64 = try buffer.readBE()
        let priority: UInt8 = try buffer.readBE()
        // Longitude comes before latitude on the wire; both are signed 1e-7 degrees.
        let longitude: Int32 = try buffer.readBE()
        let latitude: Int32 = try buffer.readBE()
        let altitude: Int16 = try buffer.readBE()
        let angle: UInt16 = try buffer.readBE()
        let satellites: UInt8 = try buffer.readBE()
        let speed: UInt16 = try buffer.readBE()
        let eventIOID = try buffer.readUInt(size: codec.eventIDSize)
        let generationType: UInt8? = codec == .codec16 ? try buffer.readBE() as UInt8 : nil
        let io = try decodeIOElements(codec, &buffer)
        return TeltonikaRecord(
            timestamp: Int64(bitPattern: timestamp), priority: priority,
            longitude: Double(longitude) / 1e7, latitude: Double(latitude) / 1e7,
            altitude: altitude, angle: angle, satellites: satellites, speed: speed,
            eventIOID: UInt16(truncatingIfNeeded: eventIOID), generationType: generationType, io: io)
    }

    /// The IO element: total count, then groups of 1, 2, 4 and 8-byte values, then (Codec 8 Extended) NX.
    static func decodeIOElements(_ codec: TeltonikaCodec, _ buffer: inout ByteBuffer) throws(TeltonikaDecodingError) -> [IOElement] {
        let idSize = codec.ioIDSize
        let countSize = codec.ioCountSize
        let declared = Int(try buffer.readUInt(size: countSize))
        // Every element takes at least an id and one byte: a larger total cannot be honest.
        guard declared <= buffer.readableBytes / (idSize + 1) else { throw .truncated }
        var io: [IOElement] = []
        io.reserveCapacity(declared)
        for width in [1, 2, 4, 8] {
            let n = Int(try buffer.readUInt(size: countSize))
            guard n * (idSize + width) <= buffer.readableBytes else { throw .truncated }
            for _ in 0..<n {
                let id = try buffer.readUInt(size: idSize)
                let value = try buffer.readUInt(size: width)
                io.append(IOElement(id: UInt16(truncatingIfNeeded: id), value: .unsigned(value, width: UInt8(width))))
            }
        }
        if codec == .codec8Extended {
            // NX: 2-byte id, 2-byte length, then that many bytes (VIN, DTC lists, BLE beacons…).
            let n = Int(try buffer.readUInt(size: 2))
            guard n * 4 <= buffer.readableBytes else { throw .truncated }
            for _ in 0..<n {
                let id: UInt16 = try buffer.readBE()
                let length: UInt16 = try buffer.readBE()
                guard let bytes = buffer.readBytes(length: Int(length)) else { throw .truncated }
                io.append(IOElement(id: id, value: .bytes(bytes)))
            }
        }
        guard io.count == declared else { throw .ioCountMismatch(declared: declared, actual: io.count) }
        return io
    }
}

extension ByteBuffer {
    /// A big-endian integer, or `.truncated` when the data ends first.
    @inline(__always)
    mutating func readBE<T: FixedWidthInteger>(_: T.Type = T.self) throws(TeltonikaDecodingError) -> T {
        guard let value = readInteger(endianness: .big, as: T.self) else { throw .truncated }
        return value
    }

    /// An unsigned big-endian integer of 1, 2, 4 or 8 bytes (the widths vary by codec and IO group).
    @inline(__always)
    fileprivate mutating func readUInt(size: Int) throws(TeltonikaDecodingError) -> UInt64 {
        switch size {
        case 1: return UInt64(try readBE(UInt8.self))
        case 2: return UInt64(try readBE(UInt16.self))
        case 4: return UInt64(try readBE(UInt32.self))
        default: return try readBE(UInt64.self)
        }
    }
}
