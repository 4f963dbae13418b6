/// The content of a PBF file's `OSMHeader` block.
public struct OSMHeader: Sendable {
    /// The region the file was cut for (not necessarily the extent of its data), in degrees.
    public var boundingBox: (minLongitude: Double, minLatitude: Double, maxLongitude: Double, maxLatitude: Double)?
    public var requiredFeatures: [String]
    public var optionalFeatures: [String]
    public var writingProgram: String?
    /// Seconds since 1970 of the replication state the file reflects (`osmosis_replication_timestamp`).
    public var replicationTimestamp: Int64?

    public init(
        boundingBox: (minLongitude: Double, minLatitude: Double, maxLongitude: Double, maxLatitude: Double)? = nil,
        requiredFeatures: [String] = [],
        optionalFeatures: [String] = [],
        writingProgram: String? = nil,
        replicationTimestamp: Int64? = nil
    ) {
        self.boundingBox = boundingBox
        self.requiredFeatures = requiredFeatures
        self.optionalFeatures = optionalFeatures
        self.writingProgram = writingProgram
        self.replicationTimestamp = replicationTimestamp
    }
}
