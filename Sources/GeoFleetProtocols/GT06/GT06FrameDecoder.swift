import NIOCore

/// SwiftNIO frame decoder for a GT06 TCP connection: splits the stream into CRC-checked `GT06Frame`s.
///
/// Frames are reassembled across any number of reads. Strict framing: a frame is exactly its declared
/// length and must end with `0D0A` and carry a matching CRC-ITU. Traccar instead cuts at the next `0D0A`
/// to tolerate clones with a wrong length byte; we do not, because `0D0A` can also occur inside content and
/// a wrong length then fails loudly (`.badStopBytes`) instead of yielding a misread frame. Any throw means
/// the pipeline closes the connection.
public struct GT06FrameDecoder: FrameSplitting, Sendable {
    public typealias InboundOut = GT06Frame

    private let maxFrameLength: Int

    public init() {
        self.init(maxFrameLength: GT06.maxFrameLength)
    }

    /// A decoder with its own Length field limit (tests, or devices known to send long 7979 packets).
    public init(maxFrameLength: Int) {
        self.maxFrameLength = maxFrameLength
    }

    /// Decodes at most one frame from the front of `buffer`, consuming its bytes only when it is complete
    /// and valid; nil means more data is needed.
    public mutating func next(_ buffer: inout ByteBuffer) throws(GT06DecodingError) -> GT06Frame? {
        let start = buffer.readerIndex
        // Reject garbage on its first byte, without waiting for the second.
        guard let first = buffer.getInteger(at: start, as: UInt8.self) else { return nil }
        guard first == 0x78 || first == 0x79 else { throw .badStartBytes }
        guard let second = buffer.getInteger(at: start + 1, as: UInt8.self) else { return nil }
        guard second == first else { throw .badStartBytes }
        let extended = first == 0x79
        let lengthSize = extended ? 2 : 1

        let declared: Int
        if extended {
            guard let value = buffer.getInteger(at: start + 2, endianness: .big, as: UInt16.self) else { return nil }
            declared = Int(value)
        } else {
            guard let value = buffer.getInteger(at: start + 2, as: UInt8.self) else { return nil }
            declared = Int(value)
        }
        // The length is untrusted: compare before using it to decide how much to buffer.
        guard declared <= maxFrameLength else { throw .frameTooLarge(length: declared, limit: maxFrameLength) }
        guard declared >= GT06.minFrameLength else { throw .frameTooSmall(length: declared) }

        // start 2 + length field + [protocol … error check] + stop 2
        let frameLength = 2 + lengthSize + declared + 2
        guard buffer.readableBytes >= frameLength else { return nil }

        let stop = buffer.getInteger(at: start + frameLength - 2, endianness: .big, as: UInt16.self)!
        guard stop == 0x0D0A else { throw .badStopBytes }
        let crcField = buffer.getInteger(at: start + frameLength - 4, endianness: .big, as: UInt16.self)!
        // The CRC covers the length field through the serial number.
        let crc = buffer.withUnsafeReadableBytes { raw in
            GT06.crcITU(UnsafeRawBufferPointer(rebasing: raw[2..<(frameLength - 4)]))
        }
        guard crc == crcField else { throw .badCRC }

        let protocolOffset = start + 2 + lengthSize
        let protocolNumber = buffer.getInteger(at: protocolOffset, as: UInt8.self)!
        let contentLength = declared - GT06.minFrameLength
        let content = buffer.getBytes(at: protocolOffset + 1, length: contentLength)!
        let serial = buffer.getInteger(at: protocolOffset + 1 + contentLength, endianness: .big, as: UInt16.self)!
        buffer.moveReaderIndex(forwardBy: frameLength)
        return GT06Frame(protocolNumber: protocolNumber, content: content, serial: serial, extended: extended)
    }
}
