import GeoFleetCore

/// How `positions` is cut into range partitions by fix time, and what each partition is called.
public struct PartitionScheme: Sendable, Hashable {
    /// Partition width in milliseconds; a whole number of hours, aligned to the Unix epoch (UTC).
    public let intervalMilliseconds: Int64

    /// Daily partitions: a day of 50,000 trucks keeps its btree small enough to stay cached.
    public static let daily = PartitionScheme(hours: 24)

    public init(hours: Int) {
        precondition(hours > 0, "partition interval must be at least one hour")
        intervalMilliseconds = Int64(hours) * 3_600_000
    }

    /// Start of the partition holding `ms`.
    public func start(containing ms: Int64) -> Int64 {
        var q = ms / intervalMilliseconds
        if ms % intervalMilliseconds < 0 { q -= 1 }
        return q * intervalMilliseconds
    }

    /// `positions_p20261126` for day-aligned partitions, `positions_p2026112613` for hourly ones.
    public func name(start: Int64) -> String {
        let c = UTCTime.components(milliseconds: start)
        var name = "positions_p" + pad(c.year, 4) + pad(c.month, 2) + pad(c.day, 2)
        if intervalMilliseconds % 86_400_000 != 0 { name += pad(c.hour, 2) }
        return name
    }

    /// The DDL creating the partition that starts at `start`.
    public func createStatement(start: Int64) -> String {
        let from = UTCTime.iso8601(milliseconds: start)
        let to = UTCTime.iso8601(milliseconds: start + intervalMilliseconds)
        return "CREATE TABLE IF NOT EXISTS \(name(start: start)) PARTITION OF positions FOR VALUES FROM ('\(from)') TO ('\(to)')"
    }

    private func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
