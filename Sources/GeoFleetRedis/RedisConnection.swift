import CHiredis
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blocking connection to one Redis server over hiredis 0.14 (RESP2; TLS through ``TLSTunnel``).
///
/// Sendable: the hiredis context is not thread-safe, so every call holds a `Mutex` for its whole
/// round trip; concurrent callers are serialised. For parallelism open one connection per thread.
/// Calls block the calling thread: keep them off NIO event loops and the cooperative pool's hot paths.
public final class RedisConnection: Sendable {
    /// The context pointer never leaves this type; hiredis owns the memory it points to.
    /// @unchecked: the pointer is only dereferenced inside `state.withLock`, which serialises all use.
    private struct State: @unchecked Sendable {
        var context: UnsafeMutablePointer<redisContext>
    }

    private let state: Mutex<State>
    /// The socket, kept apart from the context so ``interrupt()`` can reach it while a read holds the lock.
    private let descriptor: Int32
    /// A TCP socket of our own (not a Unix socket, not the TLS tunnel's socket pair): TCP keepalive applies.
    private let overTCP: Bool

    /// Connects over TCP. `timeout` bounds the connect and, afterwards, each socket read and write.
    public convenience init(host: String, port: Int, timeout: Duration = .seconds(5)) throws(RedisError) {
        let tv = Self.makeTimeval(timeout)
        try self.init(connected: redisConnectWithTimeout(host, Int32(clamping: port), tv), timeout: tv, overTCP: true)
    }

    /// Connects over TLS (`rediss://`): hiredis talks to one end of a socket pair whose other end a
    /// SwiftNIO TLS connection carries to the server.
    public convenience init(host: String, port: Int, tls: RedisTLS, timeout: Duration = .seconds(5)) throws(RedisError) {
        let tv = Self.makeTimeval(timeout)
        let c = timeout.components
        let fd = try TLSTunnel.open(
            host: host, port: port, tls: tls, timeout: .nanoseconds(c.seconds * 1_000_000_000 + c.attoseconds / 1_000_000_000))
        // hiredis owns the descriptor from here: redisFree closes it, and the tunnel follows.
        let context = redisConnectFd(fd)
        if context == nil { close(fd) }
        try self.init(connected: context, timeout: tv)
    }

    /// Connects over a Unix domain socket.
    public convenience init(unixSocket path: String, timeout: Duration = .seconds(5)) throws(RedisError) {
        let tv = Self.makeTimeval(timeout)
        try self.init(connected: redisConnectUnixWithTimeout(path, tv), timeout: tv)
    }

    private init(connected context: UnsafeMutablePointer<redisContext>?, timeout: timeval, overTCP: Bool = false) throws(RedisError) {
        self.overTCP = overTCP
        guard let context else { throw .connectionFailed("cannot allocate redis context") }
        if context.pointee.err != 0 {
            let message = Self.errorMessage(context)
            redisFree(context)
            throw .connectionFailed(message)
        }
        // The connect timeout only covers connect(); apply it to reads and writes too.
        _ = redisSetTimeout(context, timeout)
        descriptor = context.pointee.fd
        state = Mutex(State(context: context))
    }

    deinit {
        state.withLock { redisFree($0.context) }
    }

    /// Sends one command and waits for its reply. Server errors come back as `.error`, not thrown.
    public func command(_ args: [String]) throws(RedisError) -> RedisReply {
        guard !args.isEmpty else { throw .invalidCommand("empty command") }
        return try state.withLock { (state: inout State) throws(RedisError) -> RedisReply in
            let context = state.context
            try Self.checkUsable(context)
            let raw = CommandArguments.withArgv(args) { argc, argv, lengths in
                redisCommandArgv(context, argc, argv, lengths)
            }
            guard let raw else { throw .connectionBroken(Self.errorMessage(context)) }
            defer { freeReplyObject(raw) }
            return RedisReply(copying: raw.assumingMemoryBound(to: redisReply.self))
        }
    }

    /// Sends all commands in one write, then reads their replies in order (pipelining).
    /// An I/O failure part-way throws and leaves the connection broken.
    public func pipeline(_ commands: [[String]]) throws(RedisError) -> [RedisReply] {
        guard !commands.isEmpty else { return [] }
        guard commands.allSatisfy({ !$0.isEmpty }) else { throw .invalidCommand("empty command in pipeline") }
        return try state.withLock { (state: inout State) throws(RedisError) -> [RedisReply] in
            let context = state.context
            try Self.checkUsable(context)
            for args in commands {
                // Appending only formats into hiredis's output buffer; nothing is sent yet.
                let status = CommandArguments.withArgv(args) { argc, argv, lengths in
                    redisAppendCommandArgv(context, argc, argv, lengths)
                }
                guard status == REDIS_OK else { throw .connectionBroken(Self.errorMessage(context)) }
            }
            var replies: [RedisReply] = []
            replies.reserveCapacity(commands.count)
            for _ in commands {
                // The first call flushes the whole buffer, later ones read already-arrived replies.
                var raw: UnsafeMutableRawPointer? = nil
                guard redisGetReply(context, &raw) == REDIS_OK, let reply = raw else {
                    throw .connectionBroken(Self.errorMessage(context))
                }
                replies.append(RedisReply(copying: reply.assumingMemoryBound(to: redisReply.self)))
                freeReplyObject(reply)
            }
            return replies
        }
    }

    /// Turns this connection into a subscriber: sends `SUBSCRIBE` for `channels` and reads each
    /// confirmation. Reads no longer time out (a quiet channel is not a failure); TCP keepalive finds a
    /// dead peer, and ``interrupt()`` ends a waiting read.
    public func subscribe(_ channels: [String]) throws(RedisError) {
        guard !channels.isEmpty else { throw .invalidCommand("no channels") }
        try state.withLock { (state: inout State) throws(RedisError) in
            let context = state.context
            try Self.checkUsable(context)
            let status = CommandArguments.withArgv(["SUBSCRIBE"] + channels) { argc, argv, lengths in
                redisAppendCommandArgv(context, argc, argv, lengths)
            }
            guard status == REDIS_OK else { throw .connectionBroken(Self.errorMessage(context)) }
            for _ in channels {
                let reply = try Self.readReply(context)
                guard case .array(let items) = reply, items.first == .string("subscribe") else {
                    throw .connectionBroken("unexpected answer to SUBSCRIBE: \(reply)")
                }
            }
            // hiredis marks the context failed when keepalive does not apply (a Unix socket, the TLS
            // tunnel's socket pair): only a TCP socket gets it.
            if overTCP { _ = redisEnableKeepAlive(context) }
            _ = redisSetTimeout(context, timeval())
        }
    }

    /// The next message of a subscribed connection: `(channel, payload)`; blocks until one arrives.
    /// Throws when the connection breaks or is interrupted.
    public func nextMessage() throws(RedisError) -> (channel: String, payload: String) {
        try state.withLock { (state: inout State) throws(RedisError) -> (channel: String, payload: String) in
            while true {
                let reply = try Self.readReply(state.context)
                if case .array(let items) = reply, items.count == 3, items[0] == .string("message"),
                    case .string(let channel) = items[1], case .string(let payload) = items[2]
                {
                    return (channel, payload)
                }
            }
        }
    }

    /// Ends a read blocked in ``nextMessage()`` from another thread: the connection is broken afterwards.
    public func interrupt() {
        _ = shutdown(descriptor, Int32(SHUT_RDWR))
    }

    private static func readReply(_ context: UnsafeMutablePointer<redisContext>) throws(RedisError) -> RedisReply {
        try checkUsable(context)
        var raw: UnsafeMutableRawPointer? = nil
        guard redisGetReply(context, &raw) == REDIS_OK, let reply = raw else {
            throw .connectionBroken(Self.errorMessage(context))
        }
        defer { freeReplyObject(reply) }
        return RedisReply(copying: reply.assumingMemoryBound(to: redisReply.self))
    }

    private static func checkUsable(_ context: UnsafeMutablePointer<redisContext>) throws(RedisError) {
        // hiredis sets err on any I/O or protocol failure and the context cannot recover.
        if context.pointee.err != 0 { throw .connectionBroken(errorMessage(context)) }
    }

    private static func errorMessage(_ context: UnsafeMutablePointer<redisContext>) -> String {
        // errstr is a fixed C array, imported as a tuple.
        let message = withUnsafeBytes(of: context.pointee.errstr) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        return message.isEmpty ? "redis error \(context.pointee.err)" : message
    }

    private static func makeTimeval(_ d: Duration) -> timeval {
        let c = d.components
        var tv = timeval()
        // Field widths differ between Glibc and Darwin: let the initialisers convert.
        tv.tv_sec = .init(max(0, c.seconds))
        tv.tv_usec = .init(max(0, c.attoseconds / 1_000_000_000_000))
        return tv
    }
}
