import Foundation
import GeoFleetLive
import Synchronization
import Testing

/// The live stream's hub: fan-out by user and vehicle, resume after a sequence, cut-off of slow readers.
@Suite struct FleetEventHubTests {
    final class Clock: Sendable {
        let ms = Mutex<Int64>(1_790_000_000_000)
        func advance(_ by: Int64) { ms.withLock { $0 += by } }
        var now: @Sendable () -> Int64 { { self.ms.withLock { $0 } } }
    }

    static let truckA = UUID()
    static let truckB = UUID()

    @Test func eventsReachOnlyTheirUserAndVehicle() async {
        let hub = FleetEventHub(now: Clock().now)
        let all = hub.subscribe(userID: "alice")
        let onlyB = hub.subscribe(userID: "alice", vehicleID: Self.truckB)
        let bob = hub.subscribe(userID: "bob")
        hub.publishStatusChange(userID: "alice", vehicleID: Self.truckA, from: "active", to: "maintenance")
        hub.publishStatusChange(userID: "alice", vehicleID: Self.truckB, from: "active", to: "inactive")
        var allIterator = all.events.makeAsyncIterator()
        var onlyBIterator = onlyB.events.makeAsyncIterator()
        #expect(await allIterator.next()?.vehicleID == Self.truckA)
        #expect(await allIterator.next()?.vehicleID == Self.truckB)
        let first = await onlyBIterator.next()
        #expect(first?.vehicleID == Self.truckB)
        #expect(first?.data.contains(#""to":"inactive""#) == true)
        #expect(hub.subscriberCount == 3)
        _ = bob
        #expect(hub.subscribe(userID: "bob", after: 0).backlog.isEmpty, "nothing of alice's reaches bob")
        hub.closeVehicle(Self.truckB)
        #expect(await onlyBIterator.next() == nil, "deleting the vehicle ends its subscriptions")
    }

    @Test func resumeReplaysWhatWasMissedAndNoticesExpiry() {
        let clock = Clock()
        let hub = FleetEventHub(retention: .seconds(300), now: clock.now)
        for i in 0..<5 {
            hub.publish(.gpsUpdate, userID: "alice", vehicleID: Self.truckA, data: "{\"i\":\(i)}")
        }
        hub.publish(.gpsUpdate, userID: "bob", vehicleID: Self.truckB, data: "{}")
        let resumed = hub.subscribe(userID: "alice", after: 2)
        #expect(resumed.resumed)
        #expect(resumed.backlog.map(\.sequence) == [3, 4, 5], "alice's events after 2, not bob's")
        // Six minutes later the old events are gone: resuming from 2 leaves a hole, and says so.
        clock.advance(360_000)
        hub.publish(.gpsUpdate, userID: "alice", vehicleID: Self.truckA, data: "{}")
        let late = hub.subscribe(userID: "alice", after: 2)
        #expect(!late.resumed)
        #expect(late.backlog.isEmpty)
        #expect(late.startSequence == 7, "the client starts over from the newest event")
        let current = hub.subscribe(userID: "alice", after: 7)
        #expect(current.resumed && current.backlog.isEmpty, "resuming from the newest event is fine")
    }

    /// `resume` comes from the client: the largest values must neither trap nor replay anything.
    @Test func resumePointsFromTheClientCannotOverflow() {
        let hub = FleetEventHub(now: Clock().now)
        hub.publish(.gpsUpdate, userID: "alice", vehicleID: Self.truckA, data: "{}")
        for after in [UInt64.max, UInt64.max - 1, UInt64(Int64.max), 2] {
            let subscription = hub.subscribe(userID: "alice", after: after)
            #expect(!subscription.resumed, "resume \(after) is beyond the newest event (1)")
            #expect(subscription.backlog.isEmpty)
        }
        let fromZero = hub.subscribe(userID: "alice", after: 0)
        #expect(fromZero.resumed && fromZero.backlog.map(\.sequence) == [1])
    }

    @Test func aSlowSubscriberIsCutOffNotBuffered() async {
        let hub = FleetEventHub(now: Clock().now)
        let slow = hub.subscribe(userID: "alice", buffer: 10)
        for i in 0..<50 { hub.publish(.gpsUpdate, userID: "alice", vehicleID: Self.truckA, data: "{\"i\":\(i)}") }
        var received = 0
        for await _ in slow.events { received += 1 }
        #expect(received == 10, "it got its buffer, then its stream ended so that it resumes")
        #expect(hub.subscriberCount == 0)
    }

    @Test func relaySeesEveryEvent() {
        let seen = Mutex<[UInt64]>([])
        let hub = FleetEventHub(now: Clock().now, relay: { event in seen.withLock { $0.append(event.sequence) } })
        hub.publishStatusChange(userID: "alice", vehicleID: Self.truckA, from: "active", to: "inactive")
        hub.publish(.gpsUpdate, userID: "bob", vehicleID: Self.truckB, data: "{}")
        #expect(seen.withLock { $0 } == [1, 2])
    }
}

/// One GPS update per vehicle per second per subscriber; the newest held one wins.
@Suite struct GPSCoalescerTests {
    func gps(_ seq: UInt64, _ vehicle: UUID) -> FleetEvent {
        FleetEvent(sequence: seq, kind: .gpsUpdate, userID: "alice", vehicleID: vehicle, data: "{}")
    }

    @Test func holdsUpdatesWithinTheIntervalAndSendsTheNewest() {
        let a = UUID(), b = UUID()
        var c = GPSCoalescer(intervalMs: 1000)
        #expect(c.offer(gps(1, a), now: 0)?.sequence == 1)
        #expect(c.offer(gps(2, a), now: 100) == nil)
        #expect(c.offer(gps(3, b), now: 150)?.sequence == 3, "another vehicle is not held")
        #expect(c.offer(gps(4, a), now: 200) == nil)
        #expect(c.resumePoint == 3, "the held update (4, which replaced 2) lies after the resume point")
        #expect(c.due(now: 900).isEmpty)
        #expect(c.due(now: 1000).map(\.sequence) == [4], "only the newest of the held ones")
        #expect(c.resumePoint == 4)
        let status = FleetEvent(sequence: 5, kind: .statusChange, userID: "alice", vehicleID: a, data: "{}")
        #expect(c.offer(status, now: 1001)?.sequence == 5, "status changes are never held")
    }
}
