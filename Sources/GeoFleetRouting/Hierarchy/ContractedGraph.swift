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
    public var arcCount: Int { storage.arcCount }
    public var shortcutCount: Int { storage.shortcutCount }

    /// Approximate size of the arrays in bytes.
    public var memoryBytes: Int {
        nodeCount * 16 + arcCount * (MemoryLayout<CHArc>.stride + 4)
    }

    /// The rank (internal id) of an input node.
    func rank(of node: UInt32) -> UInt32 { storage.rankOf[Int(node)] }
}

/// The arrays, immutable once built (hence safe to share between threads), behind raw pointers.
///
/// Each node's arcs lie together: `arcs[first[u]..<split[u]]` are the upward arcs u -> v of the input
/// direction (forward searches relax them, backward searches stall over them), `arcs[split[u]..<first[u + 1]]`
/// the input arcs v -> u from higher nodes, stored at u with head v (backward searches relax them, forward
/// searches stall over them). One place in memory per settled node.
final class CHStorage: @unchecked Sendable {
    let nodeCount: Int
    let forwardArcCount: Int
    let backwardArcCount: Int
    let shortcutCount: Int
    /// Input id -> internal id, and back.
    let rankOf: UnsafeMutablePointer<UInt32>
    let nodeOf: UnsafeMutablePointer<UInt32>
    let first: UnsafeMutablePointer<UInt32>
    let split: UnsafeMutablePointer<UInt32>
    let arcs: UnsafeMutablePointer<CHArc>
    /// The bypassed node of each shortcut (lower than both ends), or `chNone`.
    let middle: UnsafeMutablePointer<UInt32>

    var arcCount: Int { forwardArcCount + backwardArcCount }

    /// Allocates the arrays uninitialised; the caller fills them all.
    init(nodeCount: Int, forwardArcCount: Int, backwardArcCount: Int, shortcutCount: Int) {
        self.nodeCount = nodeCount
        self.forwardArcCount = forwardArcCount
        self.backwardArcCount = backwardArcCount
        self.shortcutCount = shortcutCount
        let arcCount = forwardArcCount + backwardArcCount
        rankOf = .allocate(capacity: max(nodeCount, 1))
        nodeOf = .allocate(capacity: max(nodeCount, 1))
        first = .allocate(capacity: nodeCount + 1)
        split = .allocate(capacity: max(nodeCount, 1))
        arcs = .allocate(capacity: max(arcCount, 1))
        middle = .allocate(capacity: max(arcCount, 1))
    }

    deinit {
        rankOf.deallocate()
        nodeOf.deallocate()
        first.deallocate()
        split.deallocate()
        arcs.deallocate()
        middle.deallocate()
    }

    /// The index of the arc in `start..<end` with the given head, or -1.
    @inline(__always) func findArc(head: UInt32, from start: UInt32, to end: UInt32) -> Int {
        var index = Int(start)
        while index < Int(end) {
            if arcs[index].head == head { return index }
            index += 1
        }
        return -1
    }

    /// Appends to `output` the input ids of the nodes after `tail` on the arc tail -> head (internal ids)
    /// whose middle is `middle`, down to input arcs.
    func unpack(tail: UInt32, head: UInt32, middle via: UInt32, into output: inout [UInt32], stack: inout [(UInt32, UInt32, UInt32)]) {
        stack.removeAll(keepingCapacity: true)
        stack.append((tail, head, via))
        while let (from, to, bypassed) = stack.popLast() {
            if bypassed == chNone {
                output.append(nodeOf[Int(to)])
                continue
            }
            // from -> bypassed is stored at `bypassed` (the lower end) as a backward arc, bypassed -> to as a forward one.
            let node = Int(bypassed)
            let firstHalf = findArc(head: from, from: split[node], to: first[node + 1])
            let secondHalf = findArc(head: to, from: first[node], to: split[node])
            guard firstHalf >= 0, secondHalf >= 0 else {
                // Cannot happen for a built or validated hierarchy; keep the path connected anyway.
                output.append(nodeOf[Int(to)])
                continue
            }
            stack.append((bypassed, to, middle[secondHalf]))
            stack.append((from, bypassed, middle[firstHalf]))
        }
    }
}

// MARK: - Serialization

extension ContractedGraph {
    static let magic: UInt32 = 0x4843_4647 // "GFCH" little-endian
    static let formatVersion: UInt32 = 1
    static let headerSize = 48

    /// Little-endian bytes: magic, version, counts, a checksum of the payload, then the arrays (internal id of
    /// each input node, arc ranges and splits, arcs, middles), copied in bulk.
    public func serialized() -> [UInt8] {
        let s = storage
        let n = nodeCount
        let payload = Self.payloadSize(nodes: n, arcs: s.arcCount)
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
            copy(s.first, count: n + 1)
            copy(s.split, count: n)
            copy(s.arcs, count: s.arcCount)
            copy(s.middle, count: s.arcCount)
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
            let total = Self.headerSize + Self.payloadSize(nodes: n, arcs: forwardCount + backwardCount)
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
            copy(s.first, count: n + 1)
            copy(s.split, count: n)
            copy(s.arcs, count: s.arcCount)
            copy(s.middle, count: s.arcCount)
            try Self.validate(s)
            return s
        }
        self.init(storage: storage)
    }

    static func payloadSize(nodes: Int, arcs: Int) -> Int {
        4 * (nodes + (nodes + 1) + nodes) + arcs * (MemoryLayout<CHArc>.stride + 4)
    }

    /// Checks what the searches rely on, so that no buffer can make them read out of bounds or loop: ids form
    /// a permutation, arc ranges are monotone, every arc points upward, every shortcut middle lies below both
    /// ends, the counts match. Also fills `nodeOf`.
    static func validate(_ s: CHStorage) throws {
        let n = s.nodeCount
        for id in 0..<n { s.nodeOf[id] = chNone }
        for node in 0..<n {
            let id = Int(s.rankOf[node])
            guard id < n, s.nodeOf[id] == chNone else { throw HierarchyError.inconsistent("ids are not a permutation") }
            s.nodeOf[id] = UInt32(node)
        }
        guard s.first[0] == 0, Int(s.first[n]) == s.arcCount else { throw HierarchyError.inconsistent("arc ranges") }
        var shortcuts = 0, forward = 0
        for node in 0..<n {
            let start = s.first[node], middle = s.split[node], end = s.first[node + 1]
            guard start <= middle, middle <= end, Int(end) <= s.arcCount else { throw HierarchyError.inconsistent("arc ranges") }
            forward += Int(middle - start)
            for index in Int(start)..<Int(end) {
                let head = s.arcs[index].head
                guard Int(head) < n, Int(head) > node else { throw HierarchyError.inconsistent("arc not upward") }
                let bypassed = s.middle[index]
                if bypassed != chNone {
                    guard Int(bypassed) < node else { throw HierarchyError.inconsistent("shortcut middle above its arc") }
                    shortcuts += 1
                }
            }
        }
        guard forward == s.forwardArcCount else { throw HierarchyError.inconsistent("arc ranges") }
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
            target.storeBytes(
                of: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: offset, as: UInt32.self)), toByteOffset: offset, as: UInt32.self)
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
