import NIOCore
import NIOEmbedded

/// Runs bytes through a frame decoder inside a real `ByteToMessageHandler`, the way the server does.
enum ChannelDecoding {
    /// Feeds `chunks` (one `channelRead` each) and returns every message the decoder emitted.
    static func run<Decoder: ByteToMessageDecoder>(_ chunks: [[UInt8]], through decoder: Decoder) throws -> [Decoder.InboundOut] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(decoder))
        defer { _ = try? channel.finish() }
        for chunk in chunks {
            try channel.writeInbound(channel.allocator.buffer(bytes: chunk))
        }
        var messages: [Decoder.InboundOut] = []
        while let message = try channel.readInbound(as: Decoder.InboundOut.self) {
            messages.append(message)
        }
        return messages
    }
}
