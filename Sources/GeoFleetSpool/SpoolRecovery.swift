import Glibc
import Logging

/// Open-time recovery: scans every segment, truncates a torn tail of the last one, works out the
/// next sequence and opens the active segment.
enum SpoolRecovery {
    static func recover(
        configuration: SpoolConfiguration, sequencesAfter: UInt64, committedThrough: UInt64, metrics: SpoolMetrics, logger: Logger
    ) throws -> SpoolState {
        let directory = configuration.directory
        try POSIXFile.makeDirectories(directory)
        var segments = try listSegments(directory)
        let scanner = SegmentScanner(maxPayload: Spool.maxPayloadBytes)
        var ledger = PendingLedger()
        var maxSequence: UInt64?

        for (index, segment) in segments.enumerated() {
            guard let bytes = try POSIXFile.readAll(segment.path) else { continue }
            let result = bytes.withUnsafeBytes { raw in
                scanner.scan(raw, firstSequence: segment.firstSequence) { sequence, payload in
                    // Pending until every consumer committed it (numbering alone may run ahead of that).
                    if sequence > committedThrough {
                        ledger.add(lastSequence: sequence, bytes: Int64(RecordCodec.recordBytes(payloadCount: payload.count)))
                    }
                }
            }
            if let found = result.maxSequence { maxSequence = max(maxSequence ?? 0, found) }
            if result.damagedRegions > 0 {
                metrics.corruptRecords.increment(by: result.damagedRegions)
                logger.error(
                    "spool segment has damaged records; skipped to the next intact record",
                    metadata: [
                        "segment": "\(segment.path)", "damaged_regions": "\(result.damagedRegions)",
                    ])
            }
            let tail = bytes.count - result.validLength
            guard tail > 0 else { continue }
            metrics.corruptRecords.increment()
            if index == segments.count - 1 {
                logger.warning(
                    "spool segment has a torn tail (crash mid-write); truncating",
                    metadata: [
                        "segment": "\(segment.path)", "valid_bytes": "\(result.validLength)", "dropped_bytes": "\(tail)",
                    ])
                let fd = try POSIXFile.open(segment.path, flags: O_RDWR)
                defer { POSIXFile.close(fd) }
                try POSIXFile.truncate(fd, to: Int64(result.validLength), path: segment.path)
                try POSIXFile.fsync(fd, path: segment.path)
            } else {
                logger.error(
                    "spool segment has a damaged tail; replay continues with the next segment",
                    metadata: [
                        "segment": "\(segment.path)", "valid_bytes": "\(result.validLength)", "damaged_bytes": "\(tail)",
                    ])
            }
        }

        // Above every sequence found and every sequence PostGIS committed; at least the newest
        // segment's first sequence, so a new segment never sorts before an existing one.
        var next = max(maxSequence ?? 0, sequencesAfter) + 1
        if let newest = segments.last, newest.firstSequence > next { next = newest.firstSequence }

        // A segment already named for `next` holds no record (all of its records would be >= next).
        let path = directory + "/" + SegmentName.fileName(firstSequence: next)
        let fd = try POSIXFile.open(path, flags: O_RDWR | O_CREAT)
        if segments.last?.firstSequence != next { segments.append(SegmentInfo(firstSequence: next, path: path)) }
        do {
            try POSIXFile.truncate(fd, to: 0, path: path)
            try POSIXFile.fsyncDirectory(directory)
        } catch {
            POSIXFile.close(fd)
            throw error
        }

        var state = SpoolState(
            ledger: ledger, segments: segments,
            active: ActiveSegment(fd: fd, firstSequence: next, path: path, length: 0),
            nextSequence: next, lastSequence: next - 1)
        // Segments holding only what every consumer committed are not needed any more.
        for released in state.takeReleasableSegments(upTo: committedThrough) {
            do { try POSIXFile.unlink(released.path) } catch {
                logger.warning("spool cannot delete committed segment", metadata: ["error": "\(error)"])
            }
        }
        logger.info(
            "spool opened",
            metadata: [
                "directory": "\(directory)", "segments": "\(state.segments.count)",
                "pending_bytes": "\(state.pendingBytes)", "next_sequence": "\(next)",
            ])
        metrics.segments.record(state.segments.count)
        metrics.pendingBytes.record(state.pendingBytes)
        return state
    }

    /// Segment files in `directory`, oldest first.
    static func listSegments(_ directory: String) throws -> [SegmentInfo] {
        try POSIXFile.listDirectory(directory)
            .compactMap { name in
                SegmentName.firstSequence(of: name).map { SegmentInfo(firstSequence: $0, path: directory + "/" + name) }
            }
            .sorted { $0.firstSequence < $1.firstSequence }
    }
}

extension SpoolState {
    /// Removes and returns the segments that hold only sequences <= `sequence`. A segment's range
    /// ends where the next one begins, so the active (last) segment is never returned.
    mutating func takeReleasableSegments(upTo sequence: UInt64) -> ArraySlice<SegmentInfo> {
        var cut = 0
        while cut + 1 < segments.count, segments[cut + 1].firstSequence &- 1 <= sequence { cut += 1 }
        let removed = segments[..<cut]
        segments.removeFirst(cut)
        return removed
    }
}
