/// Walks the records of one segment image, skipping damage.
///
/// Recovery policy (documented here because replay depends on it):
/// - A record that is incomplete, has a bad magic, an impossible length, a CRC mismatch or a
///   sequence not above its predecessor is damage. The scan then searches forward for the next
///   magic that starts an intact record with a higher sequence and continues there; the skipped
///   bytes count as one damaged region. This recovers the intact records after a flipped byte
///   in any segment, not only in older ones (better than skipping to the next segment).
/// - Damage with no intact record after it is the segment's tail: in the last segment that is
///   a torn write from a crash and the caller truncates it; in an older segment it is logged
///   and counted.
struct SegmentScanner {
    /// What a scan found.
    struct Result {
        /// Offset just past the last intact record (0 if none).
        var validLength = 0
        /// Damaged regions that had intact records after them.
        var damagedRegions = 0
        /// Highest intact sequence, if any.
        var maxSequence: UInt64?
        var recordCount = 0
    }

    let maxPayload: Int

    init(maxPayload: Int) { self.maxPayload = maxPayload }

    /// Scans `bytes`; `firstSequence` comes from the file name and bounds the sequences from below.
    /// `visit` gets each intact record's sequence and payload range, in file order.
    func scan(
        _ bytes: UnsafeRawBufferPointer, firstSequence: UInt64,
        visit: (UInt64, Range<Int>) -> Void = { _, _ in }
    ) -> Result {
        var result = Result()
        var minimum = firstSequence
        var offset = 0
        while offset < bytes.count {
            if let record = RecordCodec.decode(bytes, at: offset, maxPayload: maxPayload), record.sequence >= minimum {
                accept(record, &result, &minimum, visit)
                offset = record.end
                continue
            }
            guard let next = resync(bytes, after: offset, minimum: minimum) else { break }
            result.damagedRegions += 1
            offset = next
        }
        return result
    }

    private func accept(
        _ record: RecordCodec.Decoded, _ result: inout Result, _ minimum: inout UInt64,
        _ visit: (UInt64, Range<Int>) -> Void
    ) {
        visit(record.sequence, record.payload)
        result.validLength = record.end
        result.maxSequence = record.sequence
        result.recordCount += 1
        minimum = record.sequence &+ 1
    }

    /// Offset of the next intact record after a damaged one at `offset`, or nil.
    private func resync(_ bytes: UnsafeRawBufferPointer, after offset: Int, minimum: UInt64) -> Int? {
        let magic = RecordCodec.magic
        var candidate = offset + 1
        while bytes.count - candidate >= RecordCodec.overheadBytes {
            if bytes[candidate] == magic[0], bytes[candidate + 1] == magic[1],
                bytes[candidate + 2] == magic[2], bytes[candidate + 3] == magic[3],
                let record = RecordCodec.decode(bytes, at: candidate, maxPayload: maxPayload),
                record.sequence >= minimum
            {
                return candidate
            }
            candidate += 1
        }
        return nil
    }
}
