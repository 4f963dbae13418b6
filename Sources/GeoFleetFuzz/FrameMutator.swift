import GeoFleetCore

/// Derives malformed inputs from real frames: the inputs that reach the deep paths of a decoder are
/// near-valid ones, which purely random bytes almost never are.
public struct FrameMutator: Sendable {
    private var rng: SeededGenerator
    private let seeds: [[UInt8]]

    /// Values that sit on boundaries of lengths and counts.
    private static let interesting: [UInt8] = [0x00, 0x01, 0x02, 0x0F, 0x10, 0x7F, 0x80, 0xFE, 0xFF]

    public init(seeds: [[UInt8]], seed: UInt64) {
        precondition(!seeds.isEmpty, "a mutator needs at least one real frame")
        self.seeds = seeds
        self.rng = SeededGenerator(seed: seed)
    }

    /// One input: a real frame with one to four mutations, sometimes spliced with another frame.
    public mutating func next() -> [UInt8] {
        var bytes = seeds[Int.random(in: 0..<seeds.count, using: &rng)]
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            mutate(&bytes)
        }
        return bytes
    }

    /// A random split of `count` bytes into read sizes, as TCP may deliver them.
    public mutating func chunks(of count: Int) -> [Int] {
        var sizes: [Int] = []
        var left = count
        while left > 0 {
            let size = Bool.random(using: &rng) ? left : Int.random(in: 1...left, using: &rng)
            sizes.append(size)
            left -= size
        }
        return sizes
    }

    private mutating func mutate(_ bytes: inout [UInt8]) {
        guard !bytes.isEmpty else {
            bytes = [UInt8.random(in: 0...255, using: &rng)]
            return
        }
        let at = Int.random(in: 0..<bytes.count, using: &rng)
        switch Int.random(in: 0..<9, using: &rng) {
        case 0: bytes[at] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
        case 1: bytes[at] = UInt8.random(in: 0...255, using: &rng)
        case 2: bytes[at] = Self.interesting[Int.random(in: 0..<Self.interesting.count, using: &rng)]
        case 3:
            // A length or count field set huge: the decoder must refuse it before allocating.
            let width = min(Int.random(in: 1...4, using: &rng), bytes.count - at)
            for k in 0..<width { bytes[at + k] = 0xFF }
        case 4: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...16, using: &rng)))
        case 5: bytes.insert(contentsOf: (0..<Int.random(in: 1...16, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: at)
        case 6: bytes.removeLast(Int.random(in: 0..<bytes.count, using: &rng))
        case 7:
            let end = min(bytes.count, at + Int.random(in: 1...32, using: &rng))
            bytes.insert(contentsOf: Array(bytes[at..<end]), at: end)
        default:
            let other = seeds[Int.random(in: 0..<seeds.count, using: &rng)]
            let cut = Int.random(in: 0...other.count, using: &rng)
            bytes = Array(bytes.prefix(at)) + Array(other.suffix(from: cut))
        }
    }
}
