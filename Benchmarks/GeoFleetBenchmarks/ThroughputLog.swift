import Foundation
import Synchronization

/// Our own operations-per-second tally for a benchmark, written at teardown.
///
/// Why, next to ordo-one's tables: the ratio hot index ÷ Redis needs one comparable number per
/// benchmark; `scripts/bench/micro.sh` reads these lines (file in GEOFLEET_BENCH_RESULTS, else stdout).
final class ThroughputLog: Sendable {
    let name: String
    private let totals = Mutex<(operations: Int, nanoseconds: Int)>((0, 0))

    init(_ name: String) { self.name = name }

    /// Runs `body` (which performs `operations` operations) and adds it to the tally.
    @inline(__always)
    func measure(operations: Int, _ body: () -> Void) {
        let start = ContinuousClock.now
        body()
        let elapsed = start.duration(to: .now)
        let ns = Int(elapsed.components.seconds) * 1_000_000_000 + Int(elapsed.components.attoseconds / 1_000_000_000)
        totals.withLock {
            $0.operations += operations
            $0.nanoseconds += ns
        }
    }

    var operationsPerSecond: Double {
        totals.withLock { $0.nanoseconds > 0 ? Double($0.operations) * 1e9 / Double($0.nanoseconds) : 0 }
    }

    /// Appends `RESULT <name>\t<ops/s>\t<ops>` to the results file (or prints it).
    func report(extra: String = "") {
        let (ops, _) = totals.withLock { $0 }
        let line = "RESULT\t\(name)\t\(String(format: "%.0f", operationsPerSecond))\t\(ops)\(extra.isEmpty ? "" : "\t" + extra)\n"
        if let path = ProcessInfo.processInfo.environment["GEOFLEET_BENCH_RESULTS"],
            let handle = FileHandle(forWritingAtPath: path)
        {
            handle.seekToEndOfFile()
            handle.write(Data(line.utf8))
            try? handle.close()
        } else {
            print(line, terminator: "")
        }
    }
}
