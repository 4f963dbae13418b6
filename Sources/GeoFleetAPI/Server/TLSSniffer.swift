import NIOCore

/// First in an API connection's pipeline: waits for the first byte, lets `decide` set up TLS (a 0x16
/// handshake record) or plain HTTP behind it, hands it the bytes and steps out. `decide` returns nil
/// when it refused the connection (and closed it); then nothing is passed on.
final class TLSSniffer<Negotiated: Sendable>: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// The first byte of a TLS handshake record.
    static var handshakeRecord: UInt8 { 0x16 }

    private let decide: (ChannelHandlerContext, _ isTLS: Bool) -> EventLoopFuture<Negotiated>?
    private let negotiated: EventLoopPromise<Negotiated>
    private var decided = false

    init(negotiated: EventLoopPromise<Negotiated>, decide: @escaping (ChannelHandlerContext, _ isTLS: Bool) -> EventLoopFuture<Negotiated>?) {
        self.negotiated = negotiated
        self.decide = decide
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !decided else {
            context.fireChannelRead(data)
            return
        }
        let bytes = unwrapInboundIn(data)
        guard let first = bytes.getInteger(at: bytes.readerIndex, as: UInt8.self) else { return }
        decided = true
        guard let result = decide(context, first == Self.handshakeRecord) else {
            negotiated.fail(ChannelError.ioOnClosedChannel)
            return
        }
        negotiated.completeWith(result)
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // Closed before a byte arrived: the connection's task must not wait forever.
        if !decided {
            decided = true
            negotiated.fail(ChannelError.eof)
        }
    }
}
