import GeoFleetCore

/// A decoded Ruptela packet, and what the server owes the device for it.
public enum RuptelaMessage: Sendable, Equatable {
    /// Commands 1 and 68: the fixes in wire order (parts of a split extended record merged into one fix) and the
    /// device's "records left" byte (non-zero: more are queued). Answer with `Ruptela.ack(positive: true)`
    /// once the fixes are durable; until then the device keeps them and resends.
    case records([DeviceFix], recordsLeft: Int)
    /// Command 15, the device identifying itself (firmware, SIM). Answer at once with `reply` (115, payload 1).
    case identification(RuptelaIdentification)
    /// Command 16, keep-alive. Answer at once with `reply` (116, payload 1).
    case heartbeat
    /// Command 9, OBD trouble codes with where and when they were read. Answer at once with `reply` (109, payload 1).
    case troubleCodes([RuptelaTroubleCode])
    /// Any other command (replies to server commands such as 7 SMS-via-GPRS, 37 file chunks, …): nothing to
    /// answer, nothing to store; ignored, not fatal.
    case other(command: UInt8)

    /// The packet to send back immediately, or nil: records wait for durability (`Ruptela.ack(positive:)`),
    /// other commands need no answer.
    public var reply: [UInt8]? {
        switch self {
        case .records, .other:
            return nil
        case .identification:
            // 100 + the device's command; payload 1 = accepted (Traccar's answer to 15 and 16).
            return Ruptela.encodeServerPacket(command: Ruptela.replyOffset + Ruptela.Command.identification, payload: [1])
        case .heartbeat:
            return Ruptela.encodeServerPacket(command: Ruptela.replyOffset + Ruptela.Command.heartbeat, payload: [1])
        case .troubleCodes:
            return Ruptela.encodeServerPacket(command: Ruptela.replyOffset + Ruptela.Command.troubleCodes, payload: [1])
        }
    }
}
