import NIOCore

/// SwiftNIO ByteToMessageDecoder for one Teltonika TCP session: the IMEI packet, then AVL frames.
///
/// Frames are reassembled across any number of reads. Lengths are checked against limits before any wait
/// or allocation; garbage throws `TeltonikaDecodingError` (the pipeline then closes that one connection).
///
/// GPRS command frames (Codec 12, 13, 14, 15: IDs 0x0C...0x0F) are consumed and emit nothing: the server
/// sends no ACK for them and this engine does not issue commands. Other unknown codecs (e.g. 0x07 GH3000)
/// throw `.unsupportedCodec`.
public struct TeltonikaTCPFrameDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = TeltonikaTCPMessage

    /// The result of looking at the buffered bytes once.
    public enum Step: Equatable, Sendable {
        case message(TeltonikaTCPMessage)
        /// A frame was consumed but yields nothing (a GPRS command frame).
        case skipped
        case needMoreData
    }

    /// The device must identify itself before sending any AVL data.
    private var awaitingIMEI = true
    private let maxFrameLength: Int

    public init() {
        self.init(maxFrameLength: Teltonika.maxFrameLength)
    }

    /// A decoder with its own data field length limit (tests, or devices known to send large NX payloads).
    public init(maxFrameLength: Int) {
        self.maxFrameLength = maxFrameLength
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        switch try next(&buffer) {
        case .message(let message):
            context.fireChannelRead(wrapInboundOut(message))
            return .continue
        case .skipped:
            return .continue
        case .needMoreData:
            return .needMoreData
        }
    }

    /// Decodes at most one message from the front of `buffer`, consuming its bytes only when complete.
    public mutating func next(_ buffer: inout ByteBuffer) throws(TeltonikaDecodingError) -> Step {
        if awaitingIMEI {
            return try nextIMEI(&buffer)
        }
        let start = buffer.readerIndex
        guard let first = buffer.getInteger(at: start, as: UInt8.self) else { return .needMoreData }
        if first == 0xFF {
            buffer.moveReaderIndex(forwardBy: 1)
            return .message(.ping)
        }
        // Reject a bad preamble on the first non-zero byte seen, without waiting for all four.
        let seen = min(4, buffer.readableBytes)
        for offset in 0..<seen where buffer.getInteger(at: start + offset, as: UInt8.self) != 0 {
            throw .badPreamble
        }
        guard let length = buffer.getInteger(at: start + 4, endianness: .big, as: UInt32.self) else {
            return .needMoreData
        }
        // The length is untrusted: compare before using it to decide how much to buffer.
        guard length <= maxFrameLength else { throw .frameTooLarge(length: length, limit: maxFrameLength) }
        guard length >= 3 else { throw .frameTooSmall(length: length) }
        let dataLength = Int(length)
        let frameLength = 8 + dataLength + 4
        guard buffer.readableBytes >= frameLength else { return .needMoreData }

        let dataStart = start + 8
        let codecID = buffer.getInteger(at: dataStart, as: UInt8.self)!
        if Teltonika.commandCodecs.contains(codecID) {
            buffer.moveReaderIndex(forwardBy: frameLength)
            return .skipped
        }
        let crcField = buffer.getInteger(at: dataStart + dataLength, endianness: .big, as: UInt32.self)!
        let crc = buffer.withUnsafeReadableBytes { raw in
            Teltonika.crc16IBM(UnsafeRawBufferPointer(rebasing: raw[8..<(8 + dataLength)]))
        }
        guard crcField == UInt32(crc) else {
            // Corruption in transit: skip this frame only; the device resends it when no ACK comes.
            let count = buffer.getInteger(at: dataStart + 1, as: UInt8.self)!
            buffer.moveReaderIndex(forwardBy: frameLength)
            return .message(.corruptPacket(recordCount: Int(count)))
        }
        // A slice bounds every read to the declared data field.
        var data = buffer.getSlice(at: dataStart, length: dataLength)!
        let packet = try Teltonika.decodeAVLData(&data)
        guard data.readableBytes == 0 else { throw .trailingBytes(data.readableBytes) }
        buffer.moveReaderIndex(forwardBy: frameLength)
        return .message(.packet(packet))
    }

    /// The IMEI packet: 2-byte length (15...17), then that many ASCII digits.
    private mutating func nextIMEI(_ buffer: inout ByteBuffer) throws(TeltonikaDecodingError) -> Step {
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: UInt16.self) else {
            return .needMoreData
        }
        guard Teltonika.imeiLengths.contains(Int(length)) else { throw .badIMEILength(Int(length)) }
        guard buffer.readableBytes >= 2 + Int(length) else { return .needMoreData }
        let imei = try buffer.withUnsafeReadableBytes { (raw) throws(TeltonikaDecodingError) -> String in
            try Teltonika.parseIMEI(UnsafeRawBufferPointer(rebasing: raw[2..<(2 + Int(length))]))
        }
        buffer.moveReaderIndex(forwardBy: 2 + Int(length))
        awaitingIMEI = false
        return .message(.imei(imei))
    }
}
