/// Work counters of `FenceEvaluator` for benchmarks and metrics: what the index handed over and what was tested exactly.
public struct FenceEvaluationCounters: Sendable, Equatable {
    /// Fences the index handed over (every fence filed in the cells read).
    public var candidates = 0
    /// Fences whose border distance was computed (past the bounding-box reject), state fences included.
    public var containmentTests = 0
    /// Segment crossing tests run (past the bounding-box reject).
    public var crossingTests = 0

    public init() {}
}
