/// A contracted graph: node ranks plus upward adjacency for forward and backward searches, with shortcut
/// middles for unpacking.
///
/// Internally nodes are numbered by rank (contraction order), so "upward" is "to a higher id" and the top of
/// the hierarchy, which every search reaches, is one compact block of memory. The API speaks input node ids.
public struct ContractedGraph: Sendable {
    public let nodeCount: Int
    let storage: CHStorage

    init(storage: CHStorage) {
        self.storage = storage
        nodeCount = storage.nodeCount
    }

    /// Arcs kept in the search graph (forward and backward upward arcs), including shortcuts.
    public var arcCount: Int { storage.forwardArcCount + storage.backwardArcCount }
    public var shortcutCount: Int { storage.shortcutCount }

    /// Approximate size of the arrays in bytes.
    public var memoryBytes: Int {
        nodeCount * 8 + (nodeCount + 1) * 8 + arcCount * (MemoryLayout<CHArc>.stride + 4)
    }

    /// The rank (internal id) of an input node.
    func rank(of node: UInt32) -> UInt32 { storage.rankOf[Int(node)] }
}

/// The arrays, immutable once built (hence safe to share between threads), behind raw pointers.
final class CHStorage: @unchecked Sendable {
    let nodeCount: Int
    let forwardArcCount: Int
    let backwardArcCount: Int
    let shortcutCount: Int
    /// Input id -> rank, and rank -> input id.
    let rankOf: UnsafeMutablePointer<UInt32>
    let nodeOf: UnsafeMutablePointer<UInt32>
    /// Upward arcs u -> v (rank v > rank u), by rank of u.
    let forwardFirst: UnsafeMutablePointer<UInt32>
    let forwardArcs: UnsafeMutablePointer<CHArc>
    let forwardMiddle: UnsafeMutablePointer<UInt32>
    /// Input arcs v -> u with rank v > rank u, stored at u with head v.
    let backwardFirst: UnsafeMutablePointer<UInt32>
    let backwardArcs: UnsafeMutablePointer<CHArc>
    let backwardMiddle: UnsafeMutablePointer<UInt32>

    /// Allocates the arrays uninitialised (except that counts are fixed); the caller fills them all.
    init(nodeCount: Int, forwardArcCount: Int, backwardArcCount: Int, shortcutCount: Int) {
        self.nodeCount = nodeCount
        self.forwardArcCount = forwardArcCount
        self.backwardArcCount = backwardArcCount
        self.shortcutCount = shortcutCount
        rankOf = .allocate(capacity: max(nodeCount, 1))
        nodeOf = .allocate(capacity: max(nodeCount, 1))
        forwardFirst = .allocate(capacity: nodeCount + 1)
        forwardArcs = .allocate(capacity: max(forwardArcCount, 1))
        forwardMiddle = .allocate(capacity: max(forwardArcCount, 1))
        backwardFirst = .allocate(capacity: nodeCount + 1)
        backwardArcs = .allocate(capacity: max(backwardArcCount, 1))
        backwardMiddle = .allocate(capacity: max(backwardArcCount, 1))
    }

    deinit {
        rankOf.deallocate()
        nodeOf.deallocate()
        forwardFirst.deallocate()
        forwardArcs.deallocate()
        forwardMiddle.deallocate()
        backwardFirst.deallocate()
        backwardArcs.deallocate()
        backwardMiddle.deallocate()
    }

    /// The arc of `first`/`arcs` stored at `node` with the given head, or -1.
    @inline(__always) static func findArc(
        at node: UInt32, head: UInt32, first: UnsafeMutablePointer<UInt32>, arcs: UnsafeMutablePointer<CHArc>
    ) -> Int {
        var index = Int(first[Int(node)])
        let end = Int(first[Int(node) + 1])
        while index < end {
            if arcs[index].head == head { return index }
            index += 1
        }
        return -1
    }

    /// Appends to `output` the input ids of the nodes after `tail` on the arc tail -> head (rank ids) whose
    /// middle is `middle`, down to input arcs.
    func unpack(tail: UInt32, head: UInt32, middle: UInt32, into output: inout [UInt32], stack: inout [(UInt32, UInt32, UInt32)]) {
        stack.removeAll(keepingCapacity: true)
        stack.append((tail, head, middle))
        while let (from, to, via) = stack.popLast() {
            if via == chNone {
                output.append(nodeOf[Int(to)])
                continue
            }
            // from -> via is stored at `via` (the lower end) as a backward arc, via -> to as a forward arc.
            let first = Self.findArc(at: via, head: from, first: backwardFirst, arcs: backwardArcs)
            let second = Self.findArc(at: via, head: to, first: forwardFirst, arcs: forwardArcs)
            guard first >= 0, second >= 0 else {
                // Cannot happen for a built or validated hierarchy; keep the path connected anyway.
                output.append(nodeOf[Int(to)])
                continue
            }
            stack.append((via, to, forwardMiddle[second]))
            stack.append((from, via, backwardMiddle[first]))
        }
    }
}

// MARK: - Serialization

extension ContractedGraph {
    static let magic: UInt32 = 0x4843_4647  // "GFCH" little-endian
    static let formatVersion: UInt32 = 1
    static let headerSize = 48

    /// Little-endian bytes: magic, version, counts, a checksum of the payload, then the arrays (rank of each
    /// input node, forward first/arcs/middles, backward first/arcs/middles), copied in bulk.
    public func serialized() -> [UInt8] {
        let s = storage
        let n = nodeCount
        let payload = 4 * (n + 2 * (n + 1) + 5 * s.forwardArcCount + 5 * s.backwardArcCount)
        let total = Self.headerSize + payload
        return [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            var offset = Self.headerSize
            func copy<T>(_ pointer: UnsafeMutablePointer<T>, count: Int) {
                let bytes = count * MemoryLayout<T>.stride
                CHByteOrder.store(words: UnsafeRawPointer(pointer), byteCount: bytes, to: raw.baseAddress! + offset)
                offset += bytes
            }
            copy(s.rankOf, count: n)
            copy(s.forwardFirst, count: n + 1)
            copy(s.forwardArcs, count: s.forwardArcCount)
            copy(s.forwardMiddle, count: s.forwardArcCount)
            copy(s.backwardFirst, count: n + 1)
            copy(s.backwardArcs, count: s.backwardArcCount)
            copy(s.backwardMiddle, count: s.backwardArcCount)
            let checksum = CHChecksum.compute(UnsafeRawBufferPointer(rebasing: raw[Self.headerSize..<total]))
            var header = CHHeaderWriter(raw.baseAddress!)
            header.put(Self.magic)
            header.put(Self.formatVersion)
            header.put(UInt64(n))
            header.put(UInt64(s.forwardArcCount))
            header.put(UInt64(s.backwardArcCount))
            header.put(UInt64(s.shortcutCount))
            header.put(checksum)
            initialized = total
        }
    }

    /// Reads what `serialized()` wrote; throws `HierarchyError` for anything else (wrong magic or version,
    /// truncation, a checksum mismatch, arrays that are not an upward hierarchy).
    public init(serialized bytes: [UInt8]) throws {
        let storage = try bytes.withUnsafeBytes { raw -> CHStorage in
            guard raw.count >= 4 else { throw HierarchyError.truncated(expected: Self.headerSize, actual: raw.count) }
            func word32(_ at: Int) -> UInt32 { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
            func word64(_ at: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
            guard word32(0) == Self.magic else { throw HierarchyError.notAHierarchy }
            guard raw.count >= Self.headerSize else { throw HierarchyError.truncated(expected: Self.headerSize, actual: raw.count) }
            let version = word32(4)
            guard version == Self.formatVersion else { throw HierarchyError.unsupportedVersion(version) }
            let limit = UInt64(UInt32.max - 1)
            let (n64, forward64, backward64, shortcuts64) = (word64(8), word64(16), word64(24), word64(32))
            guard n64 <= limit, forward64 <= limit, backward64 <= limit, shortcuts64 <= forward64 + backward64 else {
                throw HierarchyError.inconsistent("counts out of range")
            }
            let n = Int(n64), forwardCount = Int(forward64), backwardCount = Int(backward64)
            let total = Self.headerSize + 4 * (n + 2 * (n + 1) + 5 * forwardCount + 5 * backwardCount)
            guard raw.count >= total else { throw HierarchyError.truncated(expected: total, actual: raw.count) }
            guard raw.count == total else { throw HierarchyError.inconsistent("\(raw.count - total) trailing bytes") }
            guard CHChecksum.compute(UnsafeRawBufferPointer(rebasing: raw[Self.headerSize..<total])) == word64(40) else {
                throw HierarchyError.checksumMismatch
            }
            let s = CHStorage(nodeCount: n, forwardArcCount: forwardCount, backwardArcCount: backwardCount, shortcutCount: Int(shortcuts64))
            var offset = Self.headerSize
            func copy<T>(_ pointer: UnsafeMutablePointer<T>, count: Int) {
                let byteCount = count * MemoryLayout<T>.stride
                CHByteOrder.load(words: raw.baseAddress! + offset, byteCount: byteCount, to: UnsafeMutableRawPointer(pointer))
                offset += byteCount
            }
            copy(s.rankOf, count: n)
            copy(s.forwardFirst, count: n + 1)
            copy(s.forwardArcs, count: forwardCount)
            copy(s.forwardMiddle, count: forwardCount)
            copy(s.backwardFirst, count: n + 1)
            copy(s.backwardArcs, count: backwardCount)
            copy(s.backwardMiddle, count: backwardCount)
            try Self.validate(s)
            return s
        }
        self.init(storage: storage)
    }

    /// Checks what the searches rely on, so that no buffer can make them read out of bounds or loop: ranks
    /// form a permutation, arc ranges are monotone, every arc points upward, every shortcut middle lies below
    /// both ends. Also fills `nodeOf`.
    static func validate(_ s: CHStorage) throws {
        let n = s.nodeCount
        for rank in 0..<n { s.nodeOf[rank] = chNone }
        for node in 0..<n {
            let rank = Int(s.rankOf[node])
            guard rank < n, s.nodeOf[rank] == chNone else { throw HierarchyError.inconsistent("ranks are not a permutation") }
            s.nodeOf[rank] = UInt32(node)
        }
        var shortcuts = 0
        for (first, arcs, middles, count) in [
            (s.forwardFirst, s.forwardArcs, s.forwardMiddle, s.forwardArcCount),
            (s.backwardFirst, s.backwardArcs, s.backwardMiddle, s.backwardArcCount),
        ] {
            guard first[0] == 0, Int(first[n]) == count else { throw HierarchyError.inconsistent("arc ranges") }
            for node in 0..<n {
                let start = Int(first[node]), end = Int(first[node + 1])
                guard start <= end, end <= count else { throw HierarchyError.inconsistent("arc ranges") }
                for index in start..<end {
                    let head = arcs[index].head
                    guard Int(head) < n, Int(head) > node else { throw HierarchyError.inconsistent("arc not upward") }
                    let middle = middles[index]
                    if middle != chNone {
                        guard Int(middle) < node else { throw HierarchyError.inconsistent("shortcut middle above its arc") }
                        shortcuts += 1
                    }
                }
            }
        }
        guard shortcuts == s.shortcutCount else { throw HierarchyError.inconsistent("shortcut count") }
    }
}

/// Bulk copies of 32-bit-word arrays in little-endian order (a plain copy on little-endian hosts).
enum CHByteOrder {
    static func store(words source: UnsafeRawPointer, byteCount: Int, to target: UnsafeMutableRawPointer) {
        guard byteCount > 0 else { return }
        #if _endian(little)
        target.copyMemory(from: source, byteCount: byteCount)
        #else
        for offset in stride(from: 0, to: byteCount, by: 4) {
            target.storeBytes(of: source.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian, toByteOffset: offset, as: UInt32.self)
        }
        #endif
    }

    static func load(words source: UnsafeRawPointer, byteCount: Int, to target: UnsafeMutableRawPointer) {
        guard byteCount > 0 else { return }
        #if _endian(little)
        target.copyMemory(from: source, byteCount: byteCount)
        #else
        for offset in stride(from: 0, to: byteCount, by: 4) {
            target.storeBytes(of: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: offset, as: UInt32.self)), toByteOffset: offset, as: UInt32.self)
        }
        #endif
    }
}

struct CHHeaderWriter {
    let base: UnsafeMutableRawPointer
    var offset = 0

    init(_ base: UnsafeMutableRawPointer) { self.base = base }

    mutating func put<T: FixedWidthInteger>(_ value: T) {
        base.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
    }
}

/// A 64-bit checksum over 32-bit little-endian words in four independent lanes (several GB/s). Each step is
/// a bijection of the lane state, so any single changed word changes the result.
enum CHChecksum {
    static func compute(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let prime: UInt64 = 0x100_0000_01B3
        var lanes: (UInt64, UInt64, UInt64, UInt64) = (0xCBF2_9CE4_8422_2325, 0x8422_2325_CBF2_9CE4, 0x9E37_79B9_7F4A_7C15, 0x7F4A_7C15_9E37_79B9)
        let count = bytes.count
        var offset = 0
        if let base = bytes.baseAddress {
            while offset + 32 <= count {
                lanes.0 = (lanes.0 ^ UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))) &* prime
                lanes.1 = (lanes.1 ^ UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))) &* prime
                lanes.2 = (lanes.2 ^ UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self))) &* prime
                lanes.3 = (lanes.3 ^ UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self))) &* prime
                offset += 32
            }
            while offset < count {
                lanes.0 = (lanes.0 ^ UInt64(base.load(fromByteOffset: offset, as: UInt8.self))) &* prime
                offset += 1
            }
        }
        func mix(_ value: UInt64) -> UInt64 {
            var x = value
            x ^= x >> 33
            x &*= 0xFF51_AFD7_ED55_8CCD
            x ^= x >> 33
            return x
        }
        return mix(lanes.0) ^ (mix(lanes.1) &+ 1) ^ (mix(lanes.2) &+ 2) ^ (mix(lanes.3) &+ 3) ^ UInt64(count)
    }
}
