extension Ruptela {
    /// Interprets a frame's payload by its command. Counts read from the wire are checked against the bytes
    /// actually present before they size anything; a payload that ends early throws `.truncated`.
    public static func decode(_ frame: RuptelaFrame) throws(RuptelaDecodingError) -> RuptelaMessage {
        switch frame.command {
        case Command.records:
            return try decodeRecords(frame.payload, extended: false)
        case Command.extendedRecords:
            return try decodeRecords(frame.payload, extended: true)
        case Command.troubleCodes:
            return .troubleCodes(try decodeTroubleCodes(frame.payload))
        case Command.identification:
            return .identification(RuptelaIdentification(payload: frame.payload))
        case Command.heartbeat:
            return .heartbeat
        default:
            return .other(command: frame.command)
        }
    }
}
