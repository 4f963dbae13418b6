import NIOCore

/// SwiftNIO frame decoder for a Ruptela TCP session: splits the stream into CRC-checked packets.
///
/// Frames are reassembled across any number of reads and consumed only when complete. The length field is
/// checked against limits before any wait or allocation; a bad CRC or IMEI throws `RuptelaDecodingError`
/// (the pipeline then closes that one connection: after a lying length the stream cannot be resynchronised).
/// Payloads are interpreted later by `Ruptela.decode(_:)`.
public struct RuptelaFrameDecoder: FrameSplitting, Sendable {
    public typealias InboundOut = RuptelaFrame

    private let maxFrameLength: Int

    public init() {
        self.init(maxFrameLength: Ruptela.maxFrameLength)
    }

    /// A decoder with its own length-field limit (tests, or firmware known to send larger packets).
    public init(maxFrameLength: Int) {
        self.maxFrameLength = maxFrameLength
    }

    /// Decodes at most one frame from the front of `buffer`; nil means more bytes are needed (nothing consumed).
    public mutating func next(_ buffer: inout ByteBuffer) throws(RuptelaDecodingError) -> RuptelaFrame? {
        let start = buffer.readerIndex
        guard let lengthField = buffer.getInteger(at: start, endianness: .big, as: UInt16.self) else { return nil }
        // The length is untrusted: compare before using it to decide how much to buffer.
        let length = Int(lengthField)
        guard length <= maxFrameLength else { throw .frameTooLarge(length: length, limit: maxFrameLength) }
        guard length >= Ruptela.minimumFrameLength else { throw .frameTooSmall(length: length) }
        let frameLength = 2 + length + 2
        guard buffer.readableBytes >= frameLength else { return nil }

        let received = buffer.getInteger(at: start + 2 + length, endianness: .big, as: UInt16.self)!
        let computed = buffer.withUnsafeReadableBytes { raw in
            Ruptela.crc16(UnsafeRawBufferPointer(rebasing: raw[2..<(2 + length)]))
        }
        guard received == computed else { throw .badCRC(received: received, computed: computed) }
        let imei = buffer.getInteger(at: start + 2, endianness: .big, as: UInt64.self)!
        guard imei != 0, imei <= Ruptela.largestFifteenDigitNumber else { throw .badIMEI(imei) }
        let command = buffer.getInteger(at: start + 10, as: UInt8.self)!
        let payload = buffer.getBytes(at: start + 11, length: length - Ruptela.minimumFrameLength)!
        buffer.moveReaderIndex(forwardBy: frameLength)
        return RuptelaFrame(imei: Ruptela.imeiString(imei), command: command, payload: payload)
    }
}
