import Foundation
import GeoFleetFuzz
import GeoFleetPlatform
import GeoFleetTestSupport
import Testing

/// A short mutation-fuzz run of every decoder (the long one is `scripts/fuzz.sh`): no trap, no
/// hang, and both the accepting and the refusing paths are reached.
@Suite struct DecoderFuzzTests {
    static let fixtures: URL = {
        guard let url = RepositoryRoot.file("fixtures") else { fatalError("fixtures/ not found above \(#filePath)") }
        return url
    }()

    @Test(arguments: FuzzTarget.allCases)
    func survivesMutatedRealFrames(_ target: FuzzTarget) throws {
        let seeds = try FuzzSeeds.load(target, fixtures: Self.fixtures)
        #expect(seeds.count >= 3, "fuzzing needs real frames to mutate")
        var run = FuzzRun(target: target, seeds: seeds, seed: 0x5EED)
        try run.run(30_000)
        #expect(run.inputs == 30_000)
        #expect(run.decoded > 0, "no mutated input decoded: the mutator never reaches the deep paths")
        #expect(run.rejected > 0, "no mutated input was refused: the decoder accepts anything")
    }

    @Test(arguments: FuzzTarget.allCases)
    func unmutatedSeedsDecode(_ target: FuzzTarget) throws {
        // The seeds themselves must pass, or the fuzzer starts from garbage and proves little.
        let seeds = try FuzzSeeds.load(target, fixtures: Self.fixtures)
        let decoded = try seeds.filter { try target.run($0, chunks: [$0.count]) == .decoded }
        #expect(decoded.count * 2 >= seeds.count, "\(decoded.count) of \(seeds.count) seeds decode")
    }
}
