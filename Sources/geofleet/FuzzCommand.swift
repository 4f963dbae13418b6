import ArgumentParser
import Foundation
import GeoFleetCommandLine
import GeoFleetFuzz

/// `geofleet fuzz`: mutation-fuzzes every device decoder over the real frames in `fixtures/`.
struct FuzzCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz",
        abstract: "Feed millions of mutated real frames to the device decoders; fail on a hang or runaway memory.")

    @Option(help: "Inputs per target.") var iterations: Int = 1_000_000
    @Option(help: "One target (\(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))), or all.") var target: String = "all"
    @Option(help: "Random seed; the same seed replays the same inputs.") var seed: UInt64 = 1
    @Option(help: "The fixtures directory holding the real frames.") var fixtures: String = "fixtures"
    @Option(help: "Fail when the process's peak resident memory exceeds this many MiB.") var maxRssMb: Int = 256

    func validate() throws {
        guard iterations > 0 else { throw ValidationError("--iterations must be positive") }
        guard target == "all" || FuzzTarget(rawValue: target) != nil else { throw ValidationError("unknown --target \(target)") }
    }

    func run() throws {
        let targets = target == "all" ? FuzzTarget.allCases : [FuzzTarget(rawValue: target)!]
        let directory = URL(fileURLWithPath: fixtures)
        var failed = false
        for target in targets {
            let seeds = try FuzzSeeds.load(target, fixtures: directory)
            var run = FuzzRun(target: target, seeds: seeds, seed: seed)
            let started = ContinuousClock.now
            let step = max(1, iterations / 10)
            do {
                var done = 0
                while done < iterations {
                    let n = min(step, iterations - done)
                    try run.run(n)
                    done += n
                    print("  \(target.rawValue): \(done)/\(iterations) inputs, peak RSS \(Int(peakRSSMiB())) MiB")
                }
            } catch {
                print("FAIL \(error)")
                failed = true
                continue
            }
            let seconds =
                Double((ContinuousClock.now - started).components.attoseconds) / 1e18
                + Double((ContinuousClock.now - started).components.seconds)
            print(
                String(
                    format: "%@: %d inputs from %d real frames in %.1f s (%.0f/s): %d decoded, %d rejected, %d incomplete",
                    target.rawValue, run.inputs, seeds.count, seconds, Double(run.inputs) / max(seconds, 1e-9),
                    run.decoded, run.rejected, run.incomplete))
        }
        let rss = Int(peakRSSMiB())
        print("peak RSS \(rss) MiB (limit \(maxRssMb) MiB)")
        if rss > maxRssMb {
            print("FAIL: memory grew past the limit: a length or count from the input sized an allocation")
            failed = true
        }
        if failed { throw ExitCode.failure }
    }
}
