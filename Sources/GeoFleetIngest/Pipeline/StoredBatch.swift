import GeoFleetCore

/// One vehicle's positions, durable in the spool, with the vehicle's owner (``IngestPipeline/storedBatches(bufferingNewest:)``).
public struct StoredBatch: Sendable {
    public var positions: [Position]
    public var owner: String
}
