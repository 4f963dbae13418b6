import Foundation
import GeoFleetCore
import GeoFleetEvents
import GeoFleetFences
import GeoFleetIngest
import GeoFleetLive
import GeoFleetPlatform
import GeoFleetPostGIS
import Logging
import Metrics
import PostgresNIO
import Synchronization

/// Turns every stored position into events, after its acknowledgement and in order per vehicle:
/// fence enter/exit/dwell/overspeed and the steps of the vehicle's deal.
///
/// It follows the spool through the history queue (a ``PositionTap``): each batch is evaluated on
/// copies of the vehicles' states, then its events, the changed states and the watermark commit in
/// one transaction before the copies replace the live states. A crash replays what the watermark had
/// not passed, with the states as they were then, so the same events come out with the same ids.
public final class EventEvaluator: PositionTap, Sendable {
    public let handledThrough: UInt64
    /// The cluster node whose spool this evaluator follows (`""`: a single node).
    private let node: String
    private let registry: GeofenceRegistry
    private let deals: DealBook
    private let catalog: VehicleCatalog
    private let sink: EventSink
    private let rules: DealRules
    private let logger: Logger
    private let states: Mutex<[Int64: VehicleFenceState]>
    private let evaluated = Counter(label: "geofleet_fence_evaluations_total")
    private let batchTimer = Timer(label: "geofleet_event_batch_seconds")
    /// From a position's arrival (its ACK follows within the spool's group commit) to its events'
    /// publication to the WebSocket rooms, Redis and the webhook outbox.
    private let eventDelay = Timer(label: "geofleet_event_delay_seconds")
    private let etaError: [Recorder] = (0...3).map {
        Recorder(label: "geofleet_eta_error_seconds", dimensions: [("checkpoint", ["departure", "q1", "q2", "q3"][$0])])
    }

    init(
        handledThrough: UInt64, node: String, states: [Int64: VehicleFenceState], registry: GeofenceRegistry, deals: DealBook,
        catalog: VehicleCatalog, sink: EventSink, rules: DealRules, logger: Logger
    ) {
        self.handledThrough = handledThrough
        self.node = node
        self.states = Mutex(states)
        self.registry = registry
        self.deals = deals
        self.catalog = catalog
        self.sink = sink
        self.rules = rules
        self.logger = logger
    }

    /// Vehicles with a fence state in memory.
    public var vehicleCount: Int { states.withLock { $0.count } }

    public func handle(_ batch: [SequencedPositions]) async throws {
        guard let through = batch.last?.sequence else { return }
        let started = ContinuousClock.now
        var index = registry.snapshot()
        var working: [Int64: VehicleFenceState] = [:]
        var changed: Set<Int64> = []
        var events: [EventRecord] = []
        var dealCopies: [String: Deal] = [:]
        var dealOfVehicle: [Int64: String?] = [:]
        var newFences: [Geofence] = []
        var removedFences: [UUID] = []
        var arrivals: [(cargoID: String, time: Int64)] = []
        // When the position behind each event arrived, by event id.
        var arrived: [UUID: Int64] = [:]
        var count = 0
        for record in batch {
            for p in record.positions where p.source == .device {
                guard let entry = catalog.entry(key: p.vehicleKey) else { continue }
                var deal = syncDeal(
                    entry: entry, time: p.fixTime, copies: &dealCopies, decided: &dealOfVehicle, newFences: &newFences, removed: &removedFences,
                    index: &index,
                    events: &events)
                var state = working[p.vehicleKey] ?? states.withLock { $0[p.vehicleKey] } ?? VehicleFenceState()
                let transitions = FenceEvaluator.evaluate(
                    fix: GeoPoint(latitude: p.latitude, longitude: p.longitude), time: p.fixTime, speedKmh: p.speedKmh,
                    accuracyMeters: p.accuracy, owner: entry.owner, index: index, state: &state)
                working[p.vehicleKey] = state
                count += 1
                guard !transitions.isEmpty || deal != nil else { continue }
                if !transitions.isEmpty { changed.insert(p.vehicleKey) }
                for t in transitions {
                    var cargo: String?
                    if let deal, t.fenceID == deal.pickupFence || t.fenceID == deal.deliveryFence { cargo = deal.cargoID }
                    let facts = registry.eventFacts(of: t.fenceID)
                    // Outside its schedule a fence keeps its memberships but says nothing.
                    if let schedule = facts?.schedule, !schedule.contains(t.time) { continue }
                    let name: String? = facts?.name ?? newFences.first(where: { $0.id == t.fenceID })?.name
                    events.append(
                        TrackingEvents.fence(t, vehicleKey: p.vehicleKey, vehicleID: entry.id, owner: entry.owner, name: name, cargoID: cargo))
                }
                for event in events.reversed() {
                    guard arrived[event.id] == nil else { break }
                    arrived[event.id] = p.receivedTime
                }
                guard var current = deal, current.active else { continue }
                let steps = current.machine.advance(
                    time: p.fixTime,
                    enteredPickup: transitions.contains { $0.kind == .enter && $0.fenceID == current.pickupFence },
                    leftPickup: transitions.contains { $0.kind == .exit && $0.fenceID == current.pickupFence },
                    enteredDelivery: transitions.contains { $0.kind == .enter && $0.fenceID == current.deliveryFence },
                    leftDelivery: transitions.contains { $0.kind == .exit && $0.fenceID == current.deliveryFence },
                    metresFromPickup: GreatCircle.distanceMeters(
                        lat1: p.latitude, lon1: p.longitude, lat2: current.pickup.latitude, lon2: current.pickup.longitude),
                    rules: rules)
                guard !steps.isEmpty else { continue }
                for step in steps {
                    if step.state == DealState.delivered { current.progress = 100 }
                    if step.state == DealState.atDelivery { arrivals.append((current.cargoID, step.time)) }
                    let event = TrackingEvents.deal(current, step: step)
                    events.append(event)
                    arrived[event.id] = p.receivedTime
                }
                dealCopies[current.cargoID] = current
                deal = current
            }
        }
        let changedStates = working.filter { changed.contains($0.key) }
        let logger = self.logger
        let node = self.node
        let dealsToSave = Array(dealCopies.values)
        let fencesToSave = newFences
        let fencesToRemove = dealCopies.values.filter { !$0.active }.map(\.cargoID)
        let arrivalsToRecord = arrivals
        let (published, arrivalErrors) = try await sink.commit(events) { connection -> [ETAError] in
            for fence in fencesToSave { try await GeofenceStore.save(fence, on: connection, logger: logger) }
            for cargo in fencesToRemove { try await GeofenceStore.deleteDealFences(cargoID: cargo, on: connection, logger: logger) }
            try await EvaluationStore.saveStates(changedStates, on: connection, logger: logger)
            for deal in dealsToSave { try await DealStore.saveMachine(deal, on: connection, logger: logger) }
            var errors: [ETAError] = []
            for arrival in arrivalsToRecord {
                errors += try await DealStore.recordArrival(cargoID: arrival.cargoID, at: arrival.time, on: connection, logger: logger)
            }
            try await EvaluationStore.setWatermark(through, node: node, on: connection, logger: logger)
            return errors
        }
        // Committed: the copies become the live state.
        states.withLock { live in
            for (key, state) in working { live[key] = state }
        }
        for fence in newFences { registry.upsert(fence) }
        for id in removedFences { registry.remove(id: id) }
        for deal in dealCopies.values { deals.install(deal, keepingProgress: true) }
        for e in arrivalErrors where (0...3).contains(e.checkpoint) { etaError[e.checkpoint].record(e.seconds) }
        let publishedAt = WallClock.nowMilliseconds()
        for event in published {
            if let received = arrived[event.id], publishedAt >= received { eventDelay.recordMilliseconds(publishedAt - received) }
        }
        evaluated.increment(by: count)
        let elapsed = (ContinuousClock.now - started).components
        batchTimer.recordNanoseconds(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
    }

    /// The vehicle's deal as its catalog entry says now: a new cargo starts a deal (and its two fences),
    /// a cargo taken away ends the one it had. `decided` holds, per vehicle, the active cargo this batch
    /// settled on (the book changes only after the commit).
    private func syncDeal(
        entry: VehicleCatalog.Entry, time: Int64, copies: inout [String: Deal], decided: inout [Int64: String?], newFences: inout [Geofence],
        removed: inout [UUID], index: inout FenceIndex, events: inout [EventRecord]
    ) -> Deal? {
        let activeID = decided[entry.key] ?? deals.active(vehicleKey: entry.key)?.cargoID
        let active = activeID.flatMap { copies[$0] ?? deals.deal(cargoID: $0) }
        if let active, active.cargoID == entry.cargoID { return active }
        if var ended = active, ended.active {
            ended.active = false
            copies[ended.cargoID] = ended
            for id in [ended.pickupFence, ended.deliveryFence] {
                index.remove(id: id)
                removed.append(id)
            }
        }
        decided[entry.key] = .some(nil)
        guard let cargoID = entry.cargoID, let cargo = entry.cargo else { return nil }
        // A cargo followed before (taken away and given back) is not started again.
        if let known = copies[cargoID] ?? deals.deal(cargoID: cargoID) {
            guard known.vehicleKey == entry.key else { return nil }
            if known.active { decided[entry.key] = .some(cargoID) }
            return known
        }
        let deal = Deal(
            cargoID: cargoID, owner: entry.owner, vehicleKey: entry.key, vehicleID: entry.id,
            pickup: GeoPoint(latitude: cargo.pickup.lat, longitude: cargo.pickup.long),
            delivery: GeoPoint(latitude: cargo.delivery.lat, longitude: cargo.delivery.long), assignedAt: time)
        for (id, point, end) in [(deal.pickupFence, deal.pickup, "pickup"), (deal.deliveryFence, deal.delivery, "delivery")] {
            let fence = Geofence(
                id: id, owner: entry.owner, name: "\(end) of cargo \(cargoID)", area: .circle(center: point, radiusMeters: rules.fenceMetres),
                cargoID: cargoID, createdAt: time, updatedAt: time)
            index.upsert(fence.fence)
            newFences.append(fence)
        }
        copies[cargoID] = deal
        decided[entry.key] = .some(cargoID)
        if let assigned = deal.machine.timeline.first { events.append(TrackingEvents.deal(deal, step: assigned)) }
        return deal
    }
}
