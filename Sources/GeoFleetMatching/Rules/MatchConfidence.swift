import GeoFleetCore

/// How far a match can be trusted (`high`/`medium`/`low`), lowered by a stale or manual position
/// and by a distance that came from the fallback heuristic rather than a road router.
public enum MatchConfidence: String, Sendable, Comparable, CaseIterable {
    case low, medium, high

    /// A position this old (ms) lowers confidence one step; `staleMs` two.
    public static let agingMs: Int64 = 15 * 60_000
    public static let staleMs: Int64 = 2 * 3_600_000

    public static func < (a: Self, b: Self) -> Bool { a.level < b.level }

    var level: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        }
    }

    init(level: Int) {
        self = level >= 2 ? .high : level == 1 ? .medium : .low
    }

    /// The confidence of a match from a position of `age` ms and `source`, with a road or a heuristic distance.
    public static func assess(positionAgeMs age: Int64?, source: PositionSource?, heuristicDistance: Bool) -> MatchConfidence {
        guard let age else { return .low }
        var level = 2
        if age > staleMs { level -= 2 } else if age > agingMs { level -= 1 }
        if source == .manual { level -= 1 }
        if heuristicDistance { level -= 1 }
        return MatchConfidence(level: level)
    }

    /// How much a score is discounted for the uncertainty.
    public var weight: Double {
        switch self {
        case .high: 1
        case .medium: 0.85
        case .low: 0.6
        }
    }
}
