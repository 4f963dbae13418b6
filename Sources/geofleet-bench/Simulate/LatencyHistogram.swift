import Atomics

/// A lock-free log-linear histogram of non-negative integer samples (microseconds here).
///
/// Values below 32 have their own bucket; above that every power of two is split into 32
/// sub-buckets, so a reported percentile is within about 3 % of the true sample. Memory is fixed
/// (a few kB) however many samples are recorded.
final class LatencyHistogram: Sendable {
    private static let subBits = 5
    private static let subCount = 1 << subBits
    /// Enough for values up to 2^40 µs (about 12 days).
    private static let bucketCount = subCount + (40 - subBits) * subCount

    private let buckets: [ManagedAtomic<Int>]
    private let total = ManagedAtomic<Int>(0)
    private let maximum = ManagedAtomic<Int>(0)

    init() {
        buckets = (0..<Self.bucketCount).map { _ in ManagedAtomic<Int>(0) }
    }

    static func index(_ value: Int) -> Int {
        if value < subCount { return Swift.max(0, value) }
        let exponent = Int.bitWidth - 1 - value.leadingZeroBitCount // >= subBits
        let mantissa = (value >> (exponent - subBits)) & (subCount - 1)
        return Swift.min(bucketCount - 1, subCount + (exponent - subBits) * subCount + mantissa)
    }

    /// The middle of a bucket's value range.
    static func representative(_ index: Int) -> Double {
        if index < subCount { return Double(index) }
        let exponent = (index - subCount) / subCount + subBits
        let mantissa = (index - subCount) % subCount
        let width = 1 << (exponent - subBits)
        let low = (1 << exponent) + mantissa * width
        return Double(low) + Double(width - 1) / 2
    }

    func record(_ value: Int) {
        buckets[Self.index(value)].wrappingIncrement(ordering: .relaxed)
        total.wrappingIncrement(ordering: .relaxed)
        var seen = maximum.load(ordering: .relaxed)
        while value > seen {
            let (exchanged, original) = maximum.compareExchange(expected: seen, desired: value, ordering: .relaxed)
            if exchanged { break }
            seen = original
        }
    }

    var count: Int { total.load(ordering: .relaxed) }
    var max: Int { maximum.load(ordering: .relaxed) }

    /// A consistent-enough copy of the bucket counts (recording may continue meanwhile).
    func snapshot() -> [Int] { buckets.map { $0.load(ordering: .relaxed) } }

    /// The value at quantile `q` (0...1) of `counts`; 0 when empty. Capped at the recorded maximum.
    func quantile(_ q: Double, of counts: [Int]) -> Double {
        let n = counts.reduce(0, +)
        guard n > 0 else { return 0 }
        let rank = Swift.max(1, Int((q * Double(n)).rounded(.up)))
        var seen = 0
        for (i, c) in counts.enumerated() where c > 0 {
            seen += c
            if seen >= rank { return Swift.min(Self.representative(i), Double(self.max)) }
        }
        return Double(self.max)
    }

    /// Bucket-wise difference `now - before` (the samples recorded between two snapshots).
    static func difference(_ now: [Int], _ before: [Int]) -> [Int] {
        zip(now, before).map { $0 - $1 }
    }
}
