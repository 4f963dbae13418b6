/// Why a Redis call failed. Server error replies are not errors here: they come back as `RedisReply.error`.
public enum RedisError: Error, Sendable, Equatable {
    /// Could not connect (refused, unknown host, timeout), with hiredis's message.
    case connectionFailed(String)
    /// The connection broke (I/O error, EOF, timeout, protocol error); it is unusable from now on.
    case connectionBroken(String)
    /// The call itself was malformed (for example an empty command).
    case invalidCommand(String)
}
