import ArgumentParser
import Foundation
import GeoFleetCommandLine
import GeoFleetCore
import GeoFleetFences

/// `geofleet-bench fences`: FenceEvaluator over many fences and moving vehicles on one thread, against a brute-force
/// anchor measured in the same run (the first fixes again, every fence of the owner tested, no grid).
struct FencesBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fences",
        abstract: "Time geofence evaluation (enter/exit/dwell/overspeed) over synthetic fences and vehicles across Europe.")

    @Option(help: "Fences in all.") var fences: Int = 100_000
    @Option(help: "Vehicles in all.") var vehicles: Int = 100_000
    @Option(help: "Fixes evaluated.") var fixes: Int = 2_000_000
    @Option(help: "Users; each has its own region, fences and vehicles.") var users: Int = 100
    @Option(help: "About how many fixes the brute-force anchor evaluates (whole tracks of the first vehicles).") var anchorFixes: Int = 20_000
    @Option(help: "Grid cell size of the index, degrees.") var cellDegrees: Double = FenceIndex.defaultCellDegrees
    @Option(help: "Seed.") var seed: UInt64 = 1

    func run() throws {
        guard fences > 0, vehicles > 0, fixes > 0, users > 0, cellDegrees > 0 else { throw ValidationError("counts must be positive") }
        var synthetic = SyntheticFences(users: users, seed: seed)
        let all = (0..<fences).map { synthetic.fence($0) }
        let input = synthetic.fixes(vehicles: vehicles, count: fixes, start: 1_800_000_000_000)
        print("fences: \(fences) fences of \(users) users, \(vehicles) vehicles, \(fixes) fixes generated; rss \(mib(peakRSSMiB()))")

        let buildStart = ContinuousClock.now
        var index = FenceIndex(cellDegrees: cellDegrees)
        var refused = 0
        for fence in all where !index.upsert(fence) { refused += 1 }
        let buildSeconds = (ContinuousClock.now - buildStart).seconds
        print("fences: index of \(index.count) fences (\(refused) refused) built in \(fmt(buildSeconds)) s; rss \(mib(peakRSSMiB()))")

        let (main, mainSeconds, _) = evaluate(input, vehicleLimit: vehicles, index: index, progress: true)
        let fixRate = Double(fixes) / mainSeconds
        print(
            """
            fences: \(fixes) fixes in \(fmt(mainSeconds)) s: \(Int(fixRate)) fixes/s, \
            \(Int(Double(main.candidates) / mainSeconds)) candidate fences/s (\(fmt(Double(main.candidates) / Double(fixes))) a fix), \
            \(Int(Double(main.containmentTests) / mainSeconds)) exact fence tests/s (\(fmt(Double(main.containmentTests) / Double(fixes))) a fix, \
            past the box reject; \(main.crossingTests) segment crossing tests), \
            transitions \(main.transitions) (\(main.byKind.map { "\($0.key) \($0.value)" }.sorted().joined(separator: ", ")))
            """)

        // The anchor: every fix of the first vehicles (about `anchorFixes` fixes, whole tracks so that segments count
        // too), once through the grid and once with each owner's fences in one cell, so every one of them is tested.
        var scan = FenceIndex(cellDegrees: 360)
        for fence in all { scan.upsert(fence) }
        let anchorVehicles = max(1, min(vehicles, Int((Double(vehicles) * Double(anchorFixes) / Double(fixes)).rounded(.up))))
        let (gridPart, gridSeconds, anchorCount) = evaluate(input, vehicleLimit: anchorVehicles, index: index, progress: false)
        let (anchor, anchorSeconds, _) = evaluate(input, vehicleLimit: anchorVehicles, index: scan, progress: false)
        let gridRate = Double(anchorCount) / gridSeconds
        let anchorRate = Double(anchorCount) / anchorSeconds
        print(
            """
            fences: anchor, all \(anchorCount) fixes of \(anchorVehicles) vehicles: grid \(Int(gridRate)) fixes/s, brute force \
            \(Int(anchorRate)) fixes/s (\(Int(Double(anchor.candidates) / anchorSeconds)) fences scanned/s); \
            grid speed-up \(fmt(gridRate / anchorRate))×; same transitions: \(anchor.transitions == gridPart.transitions ? "yes" : "NO") \
            (\(anchor.transitions) vs \(gridPart.transitions))
            """)
        print(
            "fences: summary fences=\(index.count) build_s=\(fmt(buildSeconds)) fixes_per_s=\(Int(fixRate)) "
                + "candidates_per_s=\(Int(Double(main.candidates) / mainSeconds)) "
                + "exact_tests_per_s=\(Int(Double(main.containmentTests) / mainSeconds)) transitions=\(main.transitions) "
                + "anchor_grid_fixes_per_s=\(Int(gridRate)) anchor_scan_fixes_per_s=\(Int(anchorRate)) "
                + "speedup=\(fmt(gridRate / anchorRate)) peak_rss_mib=\(mib(peakRSSMiB()))")
    }

    struct Tally {
        var candidates = 0
        var containmentTests = 0
        var crossingTests = 0
        var transitions = 0
        var byKind: [String: Int] = [:]
    }

    /// Evaluates, in order, the fixes of vehicles below `vehicleLimit` with fresh vehicle states; returns the tally,
    /// the seconds and how many fixes that was.
    private func evaluate(
        _ input: SyntheticFences.Fixes, vehicleLimit: Int, index: FenceIndex, progress: Bool
    ) -> (Tally, Double, Int) {
        var states = [VehicleFenceState](repeating: VehicleFenceState(), count: vehicles)
        var counters = FenceEvaluationCounters()
        var tally = Tally()
        var kinds = [Int](repeating: 0, count: 4)
        var evaluated = 0
        let owners = (0..<users).map { "user-\($0)" }
        let start = ContinuousClock.now
        for i in 0..<input.vehicle.count {
            let v = Int(input.vehicle[i])
            guard v < vehicleLimit else { continue }
            evaluated += 1
            let transitions = FenceEvaluator.evaluate(
                fix: GeoPoint(latitude: input.latitude[i], longitude: input.longitude[i]), time: input.time[i],
                speedKmh: input.speedKmh[i], accuracyMeters: input.accuracy[i], owner: owners[v % users], index: index,
                state: &states[v], counters: &counters)
            if !transitions.isEmpty {
                tally.transitions += transitions.count
                for t in transitions {
                    switch t.kind {
                    case .enter: kinds[0] += 1
                    case .exit: kinds[1] += 1
                    case .dwell: kinds[2] += 1
                    case .overspeed: kinds[3] += 1
                    }
                }
            }
            if progress, (i + 1) % 500_000 == 0 {
                let seconds = (ContinuousClock.now - start).seconds
                print("fences: \(i + 1) fixes, \(fmt(seconds)) s, \(Int(Double(i + 1) / seconds)) fixes/s")
            }
        }
        let seconds = (ContinuousClock.now - start).seconds
        tally.candidates = counters.candidates
        tally.containmentTests = counters.containmentTests
        tally.crossingTests = counters.crossingTests
        tally.byKind = ["enter": kinds[0], "exit": kinds[1], "dwell": kinds[2], "overspeed": kinds[3]]
        return (tally, seconds, evaluated)
    }

    private func fmt(_ value: Double) -> String { String(format: "%.2f", value) }
    private func mib(_ value: Double) -> String { String(format: "%.0f MiB", value) }
}
