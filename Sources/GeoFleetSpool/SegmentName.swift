/// Segment file naming: `seg-<first sequence, 20 zero-padded digits>.log`, so names sort like sequences.
enum SegmentName {
    static func fileName(firstSequence: UInt64) -> String {
        let digits = String(firstSequence)
        return "seg-" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".log"
    }

    /// The first sequence encoded in `name`, or nil if it is not a segment file.
    static func firstSequence(of name: String) -> UInt64? {
        guard name.count == 28, name.hasPrefix("seg-"), name.hasSuffix(".log") else { return nil }
        let digits = name.dropFirst(4).dropLast(4)
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(digits)
    }
}
