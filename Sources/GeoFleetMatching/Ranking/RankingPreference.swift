/// A user's learned taste in suggestions: how much driving empty weighs against profit per hour.
///
/// Feedback moves one weight, `deadheadPenalty`: a thumbs-down on a suggestion with much deadhead
/// (or a thumbs-up on one with little) raises it; the opposite lowers it. One number keeps the
/// learning explainable and stable with the handful of votes a dispatcher gives.
public struct RankingPreference: Sendable, Equatable {
    public var deadheadPenalty: Double
    public var feedbackCount: Int

    public static let initial = RankingPreference(deadheadPenalty: 0.3, feedbackCount: 0)
    /// Deadhead share that feedback treats as neutral.
    public static let neutralShare = 0.25
    public static let learningRate = 0.6
    public static let penaltyRange = 0.0...0.95

    public init(deadheadPenalty: Double, feedbackCount: Int) {
        self.deadheadPenalty = deadheadPenalty
        self.feedbackCount = feedbackCount
    }

    /// The ranking key of a trip: profit per hour, discounted by the share driven empty.
    public func score(_ trip: TripEconomics) -> Double {
        let pph = trip.profitPerHour
        let factor = deadheadPenalty * trip.deadheadShare
        return pph >= 0 ? pph * (1 - factor) : pph * (1 + factor)
    }

    /// Learns from one vote on a suggestion whose trip had `deadheadShare`.
    public mutating func learn(up: Bool, deadheadShare: Double) {
        let direction: Double = up ? -1 : 1
        let next = deadheadPenalty + Self.learningRate * direction * (deadheadShare - Self.neutralShare)
        deadheadPenalty = min(Self.penaltyRange.upperBound, max(Self.penaltyRange.lowerBound, next))
        feedbackCount += 1
    }
}
