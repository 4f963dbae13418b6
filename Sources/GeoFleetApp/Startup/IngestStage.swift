import GeoFleetCore
import GeoFleetIngest
import GeoFleetPostGIS
import GeoFleetSpool
import Logging

/// Start-up, third: the spool and the path to PostGIS, the ingest pipeline, and the replay of what the
/// spool holds that PostGIS has not committed.
struct IngestStage: Sendable {
    let writers: [HistoryWriter]
    let spool: Spool
    let queue: HistoryQueue
    let pipeline: IngestPipeline
    /// Rows replayed from the spool.
    let replayedPositions: Int

    static func start(
        _ configuration: GeoFleetConfiguration, storage: StorageStage, live: LiveStage, tap: (any PositionTap)?,
        now: @escaping @Sendable () -> Int64, logger: Logger
    ) async throws -> IngestStage {
        let node = configuration.cluster.nodeID ?? ""
        var layout = try await WriterStreams.read(node: node, client: storage.client, logger: logger)
        // New sequences must lie above every stream's watermark and the tap's, even if the spool's files were lost.
        let spool = try Spool(
            configuration: SpoolConfiguration(
                directory: configuration.storage.dataDirectory + "/spool",
                maxPendingBytes: configuration.storage.spoolMaxBytes),
            sequencesAfter: max(layout.watermarks.max() ?? 0, tap?.handledThrough ?? 0),
            // Only what every writer stream and the tap committed may go: the tap (events) commits far
            // sooner than the writers' batches, and a stream may lag behind the others.
            committedThrough: min(layout.committedThrough, tap?.handledThrough ?? .max), logger: logger)
        // What the spool holds that PostGIS has not committed (under the layout it was written with) or
        // the tap has not handled; the queue hands each record only where it is still wanted.
        // Positions of vehicles erased while they were still pending in the spool are not replayed.
        let erased = try await ErasureLedger.all(client: storage.client, logger: logger)
        var replay: [SequencedPositions] = []
        var uncommitted = false
        for record in try spool.records(after: min(layout.committedThrough, tap?.handledThrough ?? .max)) {
            do {
                let positions = try PositionBinaryCodec.decode(record.payload).filter { !ErasureLedger.isErased($0, erased) }
                uncommitted = uncommitted || positions.contains { !layout.isCommitted(sequence: record.sequence, vehicle: $0.vehicleKey) }
                replay.append(SequencedPositions(sequence: record.sequence, positions: positions))
            } catch {
                logger.error("undecodable spool record skipped", metadata: ["sequence": "\(record.sequence)", "error": "\(error)"])
            }
        }
        let wanted = configuration.writer.streams
        if layout.count != wanted {
            if !uncommitted && (tap == nil || replay.allSatisfy(\.positions.isEmpty)) {
                // Nothing uncommitted: every stream can start at the same point, vehicles may move.
                let through = max(layout.watermarks.max() ?? 0, spool.recoveredThrough)
                try await WriterStreams.relayout(node: node, count: wanted, through: through, client: storage.client, logger: logger)
                logger.info("writer streams laid out", metadata: ["from": "\(layout.count)", "to": "\(wanted)", "through": "\(through)"])
                layout = WriterStreams(watermarks: Array(repeating: through, count: wanted))
                replay = []
                spool.release(upTo: through)
            } else {
                logger.warning(
                    "GEOFLEET_WRITER_STREAMS changed, but the spool still holds positions written for the previous streams: this run keeps them; the change applies at the next start",
                    metadata: ["streams": "\(layout.count)", "configured": "\(wanted)"])
            }
        }
        // In a cluster, a device whose frames this node made durable but did not acknowledge before a
        // crash may have sent them again to another node: the replay writes only what PostGIS lacks.
        let dedupeThrough = configuration.cluster.nodeID == nil ? 0 : spool.recoveredThrough
        let writers = (0..<layout.count).map {
            HistoryWriter(
                stream: $0, node: node, endpoint: storage.endpoint, scheme: storage.scheme, writeTimeout: configuration.writer.timeout,
                dedupeThrough: dedupeThrough, logger: logger)
        }
        let queue = HistoryQueue(
            writers: writers, watermarks: layout.watermarks, tap: tap, spool: spool, maxRows: configuration.writer.batchRows,
            maxDelay: configuration.writer.batchDelay, logger: logger)
        let catalog = live.catalog
        let pipeline = IngestPipeline(
            spool: spool, queue: queue, hot: live.hot, recent: live.recent, filter: configuration.filters,
            events: live.events, vehicleIDs: { catalog.entry(key: $0)?.id },
            onDurable: onDurable(live.cluster),
            now: now, logger: logger)
        var replayed = 0
        for record in replay {
            // Empty records are handed over too: the queue takes sequences only as a contiguous run.
            pipeline.replay(sequence: record.sequence, positions: record.positions) { catalog.entry(key: $0)?.owner }
            replayed += record.positions.count
        }
        // Only now may the queue pass over sequences the replay did not find (damaged records).
        queue.replayFinished()
        return IngestStage(writers: writers, spool: spool, queue: queue, pipeline: pipeline, replayedPositions: replayed)
    }

    /// Cluster mode: every durable batch goes to the other nodes' hot index.
    static func onDurable(_ cluster: ClusterNode?) -> (@Sendable ([Position], String) -> Void)? {
        guard let bus = cluster?.bus else { return nil }
        return { positions, owner in bus.publish(positions: positions, owner: owner) }
    }

    /// Closes the writers' connections and the spool (after the queue stopped).
    func stop() async {
        for writer in writers { await writer.close() }
        spool.close()
    }
}
