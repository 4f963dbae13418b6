import CZlib

/// Why zlib could not inflate a blob.
struct InflateError: Error, Equatable {
    var reason: String
}

/// zlib decompression with one reusable `z_stream`. The only code in the module that touches
/// zlib's C types: callers pass Swift buffers and get a byte count or an `InflateError` back.
final class Inflater {
    /// Heap-allocated because zlib keeps a back-pointer to the stream and rejects a moved one.
    private let stream: UnsafeMutablePointer<z_stream>

    init() throws(InflateError) {
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // inflateInit() is a C macro; this is its expansion.
        let status = inflateInit_(stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw InflateError(reason: "inflateInit failed with zlib status \(status)")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Inflates the complete zlib stream `input` into `output` and returns the inflated length.
    ///
    /// With `expectedSize` (the blob's `raw_size`) the output must be exactly that long; without
    /// it the output grows as needed up to `limit` bytes.
    func inflate(_ input: UnsafeRawBufferPointer, into output: GrowableBuffer, expectedSize: Int?, limit: Int) throws(InflateError) -> Int {
        guard inflateReset(stream) == Z_OK else {
            throw InflateError(reason: "inflateReset failed")
        }
        guard input.count <= Int(UInt32.max) else {
            throw InflateError(reason: "compressed data of \(input.count) bytes is too large")
        }
        // One spare byte beyond raw_size makes an over-long stream detectable without a second call.
        var capacity = expectedSize.map { $0 + 1 } ?? Swift.min(Swift.max(input.count * 4, 64 * 1024), limit + 1)
        output.reserve(capacity)
        stream.pointee.next_in = input.baseAddress.map {
            UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self))
        }
        stream.pointee.avail_in = UInt32(input.count)
        var produced = 0
        while true {
            let room = output.mutableBytes(from: produced, count: capacity - produced)
            stream.pointee.next_out = room.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = UInt32(room.count)
            let status = CZlib.inflate(stream, Z_FINISH)
            produced = capacity - Int(stream.pointee.avail_out)
            switch status {
            case Z_STREAM_END:
                if let expectedSize, produced != expectedSize {
                    throw InflateError(reason: "inflated \(produced) bytes, but raw_size is \(expectedSize)")
                }
                return produced
            case Z_OK, Z_BUF_ERROR:
                if stream.pointee.avail_out == 0 {
                    if let expectedSize {
                        throw InflateError(reason: "inflated data is longer than raw_size \(expectedSize)")
                    }
                    guard capacity <= limit else {
                        throw InflateError(reason: "inflated data is longer than the \(limit)-byte limit")
                    }
                    capacity = Swift.min(capacity * 2, limit + 1)
                    output.reserve(capacity, preserving: produced)
                    continue
                }
                throw InflateError(reason: "compressed data ends before the end of the zlib stream")
            case Z_NEED_DICT:
                throw InflateError(reason: "zlib stream needs a preset dictionary")
            case Z_DATA_ERROR:
                throw InflateError(reason: "corrupt zlib data (\(message ?? "no detail"))")
            case Z_MEM_ERROR:
                throw InflateError(reason: "zlib is out of memory")
            default:
                throw InflateError(reason: "zlib status \(status) (\(message ?? "no detail"))")
            }
        }
    }

    private var message: String? {
        stream.pointee.msg.map { String(cString: $0) }
    }
}
