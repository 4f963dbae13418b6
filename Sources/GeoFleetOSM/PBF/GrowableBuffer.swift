/// A reusable, uninitialised byte buffer for blob data: one allocation grows to the largest blob
/// seen and is reused for every later one, without the zero-filling that `[UInt8]` would do.
final class GrowableBuffer {
    private(set) var pointer: UnsafeMutableRawPointer
    private(set) var capacity: Int

    init(capacity: Int = 64 * 1024) {
        self.capacity = Swift.max(capacity, 1)
        self.pointer = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit {
        pointer.deallocate()
    }

    /// Makes room for `count` bytes, keeping the first `preserving` bytes.
    func reserve(_ count: Int, preserving: Int = 0) {
        guard count > capacity else { return }
        let newCapacity = Swift.max(count, capacity + capacity / 2)
        let newPointer = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        if preserving > 0 {
            newPointer.copyMemory(from: pointer, byteCount: Swift.min(preserving, capacity))
        }
        pointer.deallocate()
        pointer = newPointer
        capacity = newCapacity
    }

    /// The first `count` bytes, valid until the next `reserve`.
    func bytes(_ count: Int) -> UnsafeRawBufferPointer {
        precondition(count <= capacity)
        return UnsafeRawBufferPointer(start: pointer, count: count)
    }

    /// Room for `count` bytes starting at `offset`, valid until the next `reserve`.
    func mutableBytes(from offset: Int, count: Int) -> UnsafeMutableRawBufferPointer {
        precondition(offset >= 0 && offset + count <= capacity)
        return UnsafeMutableRawBufferPointer(start: pointer + offset, count: count)
    }
}
