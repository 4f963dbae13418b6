import HummingbirdCore
import Logging
import NIOCore

/// A Hummingbird child channel with TLS in front of another: each connection takes the contexts of
/// `credentials` current when it opens.
public struct TLSChildChannel<Base: ServerChildChannel>: ServerChildChannel {
    public typealias Value = Base.Value

    let base: Base
    let credentials: TLSCredentials
    let listener: String
    let handshakeTimeout: TimeAmount

    public init(_ base: Base, credentials: TLSCredentials, listener: String, handshakeTimeout: TimeAmount = TLSCredentials.handshakeTimeout) {
        self.base = base
        self.credentials = credentials
        self.listener = listener
        self.handshakeTimeout = handshakeTimeout
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandlers(credentials.serverHandlers(listener: listener, timeout: handshakeTimeout))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    public func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension TLSChildChannel: HTTPChannelHandler where Base: HTTPChannelHandler {
    public var responder: HTTPChannelHandler.Responder { base.responder }
}
