import GeoFleetIngest
import GeoFleetMatchService
import ServiceLifecycle

/// Hands every batch the pipeline stores to matching (its driving-time estimate and live triggers).
struct MatchingPositionFeed: Service {
    let batches: AsyncStream<StoredBatch>
    let matching: MatchService

    func run() async {
        await cancelWhenGracefulShutdown {
            for await batch in batches {
                matching.positionsStored(batch.positions, owner: batch.owner)
            }
        }
    }
}
