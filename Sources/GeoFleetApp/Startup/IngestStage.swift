import GeoFleetCore
import GeoFleetIngest
import GeoFleetPostGIS
import GeoFleetSpool
import Logging

/// Start-up, third: the spool and the path to PostGIS, the ingest pipeline, and the replay of what the
/// spool holds that PostGIS has not committed.
struct IngestStage: Sendable {
    let writer: HistoryWriter
    let spool: Spool
    let queue: HistoryQueue
    let pipeline: IngestPipeline
    /// Rows replayed from the spool.
    let replayedPositions: Int

    static func start(
        _ configuration: GeoFleetConfiguration, storage: StorageStage, live: LiveStage,
        now: @escaping @Sendable () -> Int64, logger: Logger
    ) async throws -> IngestStage {
        let writer = HistoryWriter(endpoint: storage.endpoint, scheme: storage.scheme, writeTimeout: configuration.writer.timeout, logger: logger)
        let committed = try await writer.committedSequence()
        let spool = try Spool(
            configuration: SpoolConfiguration(
                directory: configuration.storage.dataDirectory + "/spool",
                maxPendingBytes: configuration.storage.spoolMaxBytes),
            sequencesAfter: committed, logger: logger)
        let queue = HistoryQueue(
            writer: writer, spool: spool, committed: committed, maxRows: configuration.writer.batchRows,
            maxDelay: configuration.writer.batchDelay, logger: logger)
        let catalog = live.catalog
        let pipeline = IngestPipeline(
            spool: spool, queue: queue, hot: live.hot, recent: live.recent, filter: configuration.filters,
            events: live.events, vehicleIDs: { catalog.entry(key: $0)?.id }, now: now, logger: logger)
        var replayed = 0
        // Positions of vehicles erased while they were still pending in the spool are not replayed.
        let erased = try await ErasureLedger.all(client: storage.client, logger: logger)
        for record in try spool.records(after: committed) {
            do {
                let positions = try PositionBinaryCodec.decode(record.payload).filter { !ErasureLedger.isErased($0, erased) }
                pipeline.replay(sequence: record.sequence, positions: positions) { catalog.entry(key: $0)?.owner }
                replayed += positions.count
            } catch {
                logger.error("undecodable spool record skipped", metadata: ["sequence": "\(record.sequence)", "error": "\(error)"])
            }
        }
        // Only now may the queue pass over sequences the replay did not find (damaged records).
        queue.replayFinished()
        return IngestStage(writer: writer, spool: spool, queue: queue, pipeline: pipeline, replayedPositions: replayed)
    }

    /// Closes the writer's connection and the spool (after the queue stopped).
    func stop() async {
        await writer.close()
        spool.close()
    }
}
