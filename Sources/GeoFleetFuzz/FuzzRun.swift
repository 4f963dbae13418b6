/// Runs a target over many mutated inputs and counts what happened.
public struct FuzzRun: Sendable {
    public let target: FuzzTarget
    public private(set) var inputs = 0
    public private(set) var decoded = 0
    public private(set) var rejected = 0
    public private(set) var incomplete = 0
    private var mutator: FrameMutator

    public init(target: FuzzTarget, seeds: [[UInt8]], seed: UInt64) {
        self.target = target
        self.mutator = FrameMutator(seeds: seeds, seed: seed)
    }

    /// Runs `count` inputs; throws on the first input that made a decoder stop making progress,
    /// with that input, so it can be replayed. A crash ends the process, which is the point.
    public mutating func run(_ count: Int) throws(Failure) {
        for _ in 0..<count {
            // Half the inputs get their framing repaired so they reach the message decoders.
            let mutated = mutator.next()
            let input = inputs % 2 == 0 ? target.repaired(mutated) : mutated
            let chunks = mutator.chunks(of: input.count)
            do {
                switch try target.run(input, chunks: chunks) {
                case .decoded: decoded += 1
                case .rejected: rejected += 1
                case .incomplete: incomplete += 1
                }
            } catch {
                throw Failure(error: error, input: input)
            }
            inputs += 1
        }
    }

    /// An input that broke a decoder.
    public struct Failure: Error, CustomStringConvertible {
        public let error: FuzzTarget.NoProgress
        public let input: [UInt8]
        public var description: String { "\(error) on input \(input.map { String($0, radix: 16) }.joined(separator: " "))" }
    }
}
