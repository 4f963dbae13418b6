import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

#if canImport(Glibc)
import Glibc
#endif

/// Gives hiredis (which speaks only plain sockets) a TLS connection: one end of a socket pair goes
/// to hiredis, the other is glued by SwiftNIO to a TLS connection to the server. Closing either
/// side closes the other.
enum TLSTunnel {
    /// Connects and completes the TLS handshake within `timeout`; returns hiredis's end of the pair.
    static func open(host: String, port: Int, tls: RedisTLS, timeout: TimeAmount) throws(RedisError) -> Int32 {
        // Both ends on one loop: the glue between them then needs no locks and no hops.
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let remote: any Channel
        do {
            remote = try ClientBootstrap(group: loop)
                .connectTimeout(timeout)
                .channelOption(.socketOption(.so_keepalive), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let handler = try NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverName)
                        try channel.pipeline.syncOperations.addHandlers([handler, HandshakeWaiter()])
                    }
                }
                .connect(host: host, port: port).wait()
        } catch {
            throw .connectionFailed("rediss://\(host):\(port): \(error)")
        }
        do {
            try loop.flatSubmit {
                do {
                    return try remote.pipeline.syncOperations.handler(type: HandshakeWaiter.self).done(timeout: timeout, on: remote)
                } catch {
                    return loop.makeFailedFuture(error)
                }
            }.wait()
        } catch {
            remote.close(promise: nil)
            throw .connectionFailed("rediss://\(host):\(port): TLS handshake failed: \(error)")
        }
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            remote.close(promise: nil)
            throw .connectionFailed("socketpair: errno \(errno)")
        }
        do {
            let local = try ClientBootstrap(group: loop).withConnectedSocket(fds[1]).wait()
            try loop.submit {
                let (a, b) = GlueHandler.pair()
                try local.pipeline.syncOperations.addHandler(a)
                _ = remote.pipeline.syncOperations.removeHandler(try remote.pipeline.syncOperations.handler(type: HandshakeWaiter.self))
                try remote.pipeline.syncOperations.addHandler(b)
            }.wait()
            return fds[0]
        } catch {
            remote.close(promise: nil)
            close(fds[0])
            throw .connectionFailed("rediss://\(host):\(port): tunnel: \(error)")
        }
    }
}

/// Completes when the TLS handshake did, or fails with its error. Used on its channel's loop only.
private final class HandshakeWaiter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private var promise: EventLoopPromise<Void>?
    private var result: Result<Void, any Error>?

    func done(timeout: TimeAmount, on channel: any Channel) -> EventLoopFuture<Void> {
        let promise = channel.eventLoop.makePromise(of: Void.self)
        if let result {
            promise.completeWith(result)
            return promise.futureResult
        }
        self.promise = promise
        let deadline = channel.eventLoop.scheduleTask(in: timeout) { promise.fail(ChannelError.connectTimeout(timeout)) }
        promise.futureResult.whenComplete { _ in deadline.cancel() }
        return promise.futureResult
    }

    private func finish(_ outcome: Result<Void, any Error>) {
        guard result == nil else { return }
        result = outcome
        promise?.completeWith(outcome)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event { finish(.success(())) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.failure(error))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(ChannelError.eof))
        context.fireChannelInactive()
    }
}
