import NIOCore

/// Wraps a protocol's frame decoder so that it stops decoding while the session's queue is full:
/// the undecoded bytes stay in the cumulation buffer, and `ReadGate` holds further reads.
struct GatedFrameDecoder<Inner: ByteToMessageDecoder>: ByteToMessageDecoder {
    typealias InboundOut = Inner.InboundOut

    private var inner: Inner
    private let gate: ReadGate

    init(_ inner: Inner, gate: ReadGate) {
        self.inner = inner
        self.gate = gate
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard !gate.isFull else {
            gate.decodingHeld = true
            return .needMoreData
        }
        return try inner.decode(context: context, buffer: &buffer)
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // At the end too, never more than the limit: frames left over were not acknowledged and are resent.
        while !gate.isFull, buffer.readableBytes > 0, try inner.decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
