/// Open-addressing hash map from a cell key (non-negative Int) to an Int32 slot.
///
/// Why not `Dictionary`: a ring walk probes hundreds of mostly empty cells per query, and SipHash
/// plus a generic lookup cost ~15 ns each; a multiplicative hash with linear probing costs a few.
struct CellTable {
    private var keys: [Int]
    private var values: [Int32]
    private var mask: Int
    private var shift: Int
    private(set) var count = 0

    private static let empty = -1

    init() {
        keys = Array(repeating: Self.empty, count: 16)
        values = Array(repeating: 0, count: 16)
        mask = 15
        shift = 64 - 4
    }

    @inline(__always)
    private func home(_ key: Int) -> Int {
        // Fibonacci hashing: the top bits of key × 2⁶⁴/φ spread neighbouring cells apart.
        Int(truncatingIfNeeded: (UInt64(bitPattern: Int64(key)) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(shift))
    }

    @inline(__always)
    func find(_ key: Int) -> Int32? {
        var i = home(key)
        while true {
            let k = keys[i]
            if k == key { return values[i] }
            if k == Self.empty { return nil }
            i = (i + 1) & mask
        }
    }

    /// Inserts or overwrites.
    mutating func set(_ key: Int, _ value: Int32) {
        if (count + 1) * 4 > keys.count * 3 { grow() }
        var i = home(key)
        while true {
            let k = keys[i]
            if k == key {
                values[i] = value
                return
            }
            if k == Self.empty {
                keys[i] = key
                values[i] = value
                count += 1
                return
            }
            i = (i + 1) & mask
        }
    }

    /// Removes with backward-shift deletion, so probe chains stay unbroken without tombstones.
    mutating func remove(_ key: Int) {
        var i = home(key)
        while true {
            let k = keys[i]
            if k == Self.empty { return }
            if k == key { break }
            i = (i + 1) & mask
        }
        var hole = i
        var j = i
        while true {
            j = (j + 1) & mask
            let k = keys[j]
            if k == Self.empty { break }
            let h = home(k)
            // Move k back into the hole unless its home lies cyclically in (hole, j].
            let stays = hole <= j ? (h > hole && h <= j) : (h > hole || h <= j)
            if !stays {
                keys[hole] = k
                values[hole] = values[j]
                hole = j
            }
        }
        keys[hole] = Self.empty
        count -= 1
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        let capacity = keys.count * 2
        keys = Array(repeating: Self.empty, count: capacity)
        values = Array(repeating: 0, count: capacity)
        mask = capacity - 1
        shift = 64 - capacity.trailingZeroBitCount
        count = 0
        for (k, v) in zip(oldKeys, oldValues) where k != Self.empty { set(k, v) }
    }
}
