extension Ruptela {
    /// Command 9: count u8, then per code reserved u8 | time u32 | lon i32 | lat i32 | archive flag u8 | 5 ASCII.
    static func decodeTroubleCodes(_ payload: [UInt8]) throws(RuptelaDecodingError) -> [RuptelaTroubleCode] {
        var reader = RuptelaPayloadReader(payload)
        let count = Int(try reader.u8())
        let entrySize = 1 + 4 + 4 + 4 + 1 + 5
        guard count * entrySize <= reader.remaining else { throw .truncated }
        var codes: [RuptelaTroubleCode] = []
        codes.reserveCapacity(count)
        for _ in 0..<count {
            try reader.skip(1)
            let time = try reader.u32()
            let longitude = Int32(bitPattern: try reader.u32())
            let latitude = Int32(bitPattern: try reader.u32())
            let archive = try reader.u8()
            let code = try reader.bytes(5)
            codes.append(
                RuptelaTroubleCode(
                    time: Int64(time) * 1000, latitude: Double(latitude) / 1e7, longitude: Double(longitude) / 1e7,
                    archived: archive == 2, code: String(decoding: code, as: UTF8.self)))
        }
        guard reader.remaining == 0 else { throw .trailingBytes(reader.remaining) }
        return codes
    }
}
