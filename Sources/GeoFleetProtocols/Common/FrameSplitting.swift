import NIOCore

/// A stream decoder whose whole logic is one pure step, `next`: take the next complete frame off the
/// front of the buffer, or return nil and consume nothing. The step is what tests and the fuzzer call;
/// the channel handler's `decode` comes from here.
public protocol FrameSplitting: ByteToMessageDecoder {
    associatedtype Failure: Error
    mutating func next(_ buffer: inout ByteBuffer) throws(Failure) -> InboundOut?
}

extension FrameSplitting {
    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try next(&buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }
}
