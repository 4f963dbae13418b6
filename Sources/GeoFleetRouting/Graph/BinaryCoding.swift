import Foundation

/// Appends little-endian scalars and whole arrays (bulk copies) to a byte buffer.
struct BinaryWriter {
    private(set) var bytes: [UInt8] = []

    mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ value: Double) { write(value.bitPattern) }

    mutating func write(_ string: String) {
        let utf8 = Array(string.utf8)
        write(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// Arrays are written in host order: graph files are built and read on little-endian machines (checked in the header).
    mutating func write<T: BitwiseCopyable>(array: [T]) {
        write(UInt64(array.count))
        array.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }

    mutating func write(blob: [UInt8]) { write(array: blob) }
}

/// Reads what `BinaryWriter` wrote, with bounds checks that end in `RoutingGraphFileError.truncated`.
struct BinaryReader {
    let bytes: [UInt8]
    private(set) var offset = 0

    init(bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let size = MemoryLayout<T>.size
        guard offset + size <= bytes.count else { throw RoutingGraphFileError.truncated(offset) }
        var value: T = 0
        _ = withUnsafeMutableBytes(of: &value) { bytes.copyBytes(to: $0, from: offset..<offset + size) }
        offset += size
        return T(littleEndian: value)
    }

    mutating func readDouble() throws -> Double { Double(bitPattern: try read(UInt64.self)) }

    mutating func readString() throws -> String {
        let count = Int(try read(UInt32.self))
        guard count <= bytes.count - offset else { throw RoutingGraphFileError.truncated(offset) }
        defer { offset += count }
        return String(decoding: bytes[offset..<offset + count], as: UTF8.self)
    }

    mutating func readArray<T: BitwiseCopyable>(_: T.Type) throws -> [T] {
        let count = try read(UInt64.self)
        let stride = MemoryLayout<T>.stride
        guard count <= UInt64(bytes.count - offset) / UInt64(max(stride, 1)) else { throw RoutingGraphFileError.truncated(offset) }
        let length = Int(count) * stride
        let result = [T](unsafeUninitializedCapacity: Int(count)) { buffer, initialized in
            bytes.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + length]))
            }
            initialized = Int(count)
        }
        offset += length
        return result
    }
}
