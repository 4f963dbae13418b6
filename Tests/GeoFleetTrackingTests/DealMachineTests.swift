import Testing
@testable import GeoFleetTracking

/// The deal's states from fence transitions.
@Suite struct DealMachineTests {
    var rules: DealRules {
        var r = DealRules()
        r.loadSeconds = 300
        r.unloadSeconds = 300
        r.transitMetres = 1000
        return r
    }
    let minute: Int64 = 60_000

    func step(
        _ m: inout DealMachine, at minutes: Int64, enterPickup: Bool = false, leavePickup: Bool = false, enterDelivery: Bool = false,
        leaveDelivery: Bool = false, fromPickup: Double = 0
    ) -> [DealState] {
        m.advance(
            time: minutes * minute, enteredPickup: enterPickup, leftPickup: leavePickup, enteredDelivery: enterDelivery,
            leftDelivery: leaveDelivery, metresFromPickup: fromPickup, rules: rules
        ).map(\.state)
    }

    @Test func wholeDeal() {
        var m = DealMachine(assignedAt: 0)
        #expect(step(&m, at: 1, enterPickup: true) == [.atPickup])
        #expect(step(&m, at: 4).isEmpty)
        #expect(step(&m, at: 7, leavePickup: true, fromPickup: 350) == [.loaded])
        #expect(step(&m, at: 8, fromPickup: 900).isEmpty)
        #expect(step(&m, at: 9, fromPickup: 1200) == [.inTransit])
        #expect(step(&m, at: 60, enterDelivery: true, fromPickup: 80_000) == [.atDelivery])
        #expect(step(&m, at: 63, fromPickup: 80_000).isEmpty)
        #expect(step(&m, at: 65, fromPickup: 80_000) == [.delivered])
        #expect(m.timeline.map(\.state) == [.assigned, .atPickup, .loaded, .inTransit, .atDelivery, .delivered])
        #expect(m.timeline.map(\.time) == [0, 1, 7, 9, 60, 65].map { $0 * minute })
        #expect(m.arrivedAt == 60 * minute)
        // Nothing moves a delivered deal.
        #expect(step(&m, at: 70, leaveDelivery: true, fromPickup: 80_500).isEmpty)
    }

    @Test("a drive through the pickup shorter than the loading time is not loading")
    func driveByPickup() {
        var m = DealMachine(assignedAt: 0)
        #expect(step(&m, at: 1, enterPickup: true) == [.atPickup])
        #expect(step(&m, at: 3, leavePickup: true, fromPickup: 2000) == [.assigned])
        #expect(m.state == .assigned)
        #expect(step(&m, at: 10, enterDelivery: true).isEmpty)
    }

    @Test("leaving the delivery before unloading ends is back in transit; the next arrival counts afresh")
    func shortStopAtDelivery() {
        var m = DealMachine(assignedAt: 0)
        _ = step(&m, at: 1, enterPickup: true)
        _ = step(&m, at: 10, leavePickup: true, fromPickup: 5000)
        #expect(m.state == .inTransit)
        #expect(step(&m, at: 30, enterDelivery: true) == [.atDelivery])
        #expect(step(&m, at: 32, leaveDelivery: true) == [.inTransit])
        #expect(step(&m, at: 40, enterDelivery: true) == [.atDelivery])
        #expect(step(&m, at: 44).isEmpty)
        #expect(step(&m, at: 45, leaveDelivery: true) == [.delivered])
    }

    @Test("loaded and straight into the delivery fence (close ends) skips nothing it should not")
    func closeEnds() {
        var m = DealMachine(assignedAt: 0)
        _ = step(&m, at: 1, enterPickup: true)
        #expect(step(&m, at: 8, leavePickup: true, fromPickup: 200) == [.loaded])
        #expect(step(&m, at: 9, enterDelivery: true, fromPickup: 500) == [.atDelivery])
    }
}
