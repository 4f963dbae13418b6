import CHiredis

/// One Redis reply (RESP2), copied out of hiredis so no C memory outlives the call.
public enum RedisReply: Sendable, Equatable {
    /// A bulk string. Bytes are decoded as UTF-8 (invalid sequences become U+FFFD).
    case string(String)
    /// A simple status, such as `OK` or `PONG`.
    case status(String)
    case integer(Int64)
    case array([RedisReply])
    /// A nil bulk string or nil array.
    case null
    /// An error reply from the server (`ERR ...`, `WRONGTYPE ...`). Not thrown: the connection stays usable.
    case error(String)
}

extension RedisReply {
    /// Deep-copies a hiredis reply tree; the caller still owns (and frees) `reply`.
    init(copying reply: UnsafePointer<redisReply>) {
        let r = reply.pointee
        switch r.type {
        case REDIS_REPLY_STRING:
            self = .string(Self.text(r))
        case REDIS_REPLY_STATUS:
            self = .status(Self.text(r))
        case REDIS_REPLY_ERROR:
            self = .error(Self.text(r))
        case REDIS_REPLY_INTEGER:
            self = .integer(Int64(r.integer))
        case REDIS_REPLY_ARRAY:
            var items: [RedisReply] = []
            items.reserveCapacity(r.elements)
            for i in 0..<r.elements {
                if let element = r.element[i] {
                    items.append(RedisReply(copying: element))
                } else {
                    items.append(.null)
                }
            }
            self = .array(items)
        default:
            // REDIS_REPLY_NIL, and nothing else exists in hiredis 0.14 (RESP2 only).
            self = .null
        }
    }

    private static func text(_ r: redisReply) -> String {
        guard let str = r.str, r.len > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: str, count: r.len), as: UTF8.self)
    }
}
