/// Where a deal stands, as positions show it (the marketplace's `confirmed → in_transit → delivered`, finer).
public enum DealState: String, Sendable, Codable, CaseIterable {
    case assigned, atPickup = "at_pickup", loaded, inTransit = "in_transit", atDelivery = "at_delivery", delivered
}

/// The deal's state machine over its two fences (pure: fed the fence transitions of each fix).
///
/// `assigned → at_pickup` on entering the pickup fence; `→ loaded` on leaving it after at least
/// `loadSeconds` inside (less: a drive-by, back to `assigned`); `→ in_transit` at the first fix
/// farther than `transitMetres` from the pickup; `→ at_delivery` on entering the delivery fence once
/// loaded; `→ delivered` after `unloadSeconds` inside it (on a fix or on leaving; leaving sooner:
/// back to `in_transit`).
public struct DealMachine: Sendable, Codable, Equatable {
    /// One step of the timeline.
    public struct Step: Sendable, Codable, Equatable {
        public var state: DealState
        public var time: Int64
    }
    public private(set) var state: DealState = .assigned
    public private(set) var timeline: [Step]
    var pickupEnteredAt: Int64?
    var deliveryEnteredAt: Int64?

    public init(assignedAt: Int64) {
        timeline = [Step(state: .assigned, time: assignedAt)]
    }

    /// What a fix of the deal's vehicle means for it: the fence transitions it caused on the deal's
    /// two fences, and how far it is from the pickup. Returns the states entered, in order.
    public mutating func advance(
        time: Int64, enteredPickup: Bool, leftPickup: Bool, enteredDelivery: Bool, leftDelivery: Bool, metresFromPickup: Double,
        rules: DealRules
    ) -> [Step] {
        var steps: [Step] = []
        func go(_ next: DealState) {
            state = next
            let step = Step(state: next, time: time)
            timeline.append(step)
            steps.append(step)
        }
        if state == .assigned, enteredPickup {
            pickupEnteredAt = time
            go(.atPickup)
        }
        if state == .atPickup, leftPickup {
            if time - (pickupEnteredAt ?? time) >= rules.loadSeconds * 1000 {
                go(.loaded)
            } else {
                go(.assigned)
            }
        }
        if state == .loaded, !enteredDelivery, metresFromPickup > rules.transitMetres { go(.inTransit) }
        if state == .loaded || state == .inTransit, enteredDelivery {
            deliveryEnteredAt = time
            go(.atDelivery)
        }
        if state == .atDelivery, let entered = deliveryEnteredAt {
            if time - entered >= rules.unloadSeconds * 1000 {
                go(.delivered)
            } else if leftDelivery {
                go(.inTransit)
            }
        }
        return steps
    }

    /// When the vehicle arrived at the delivery (the ETA's truth), once it has.
    public var arrivedAt: Int64? { deliveryEnteredAt }
}

/// The thresholds of a deal's states (configuration).
public struct DealRules: Sendable, Equatable {
    /// Radius of the fences made around pickup and delivery, metres (`GEOFLEET_DEAL_FENCE_METERS`).
    public var fenceMetres: Double = 300
    /// Time inside the pickup fence before leaving it counts as loaded (`GEOFLEET_DEAL_LOAD_MINUTES`).
    public var loadSeconds: Int64 = 300
    /// Time inside the delivery fence that counts as delivered.
    public var unloadSeconds: Int64 = 300
    /// Distance from the pickup beyond which a loaded vehicle is in transit.
    public var transitMetres: Double = 1000

    public init() {}
}
