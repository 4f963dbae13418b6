import Foundation
import Synchronization

/// Every deal in memory: by cargo, and the active one of each vehicle.
public final class DealBook: Sendable {
    struct State {
        var deals: [String: Deal] = [:]
        var activeByVehicle: [Int64: String] = [:]
    }
    private let state = Mutex(State())

    public init(_ deals: [Deal] = []) {
        for deal in deals { install(deal) }
    }

    /// A user's deal (nil for someone else's).
    public func deal(cargoID: String, owner: String) -> Deal? {
        state.withLock { s in s.deals[cargoID].flatMap { $0.owner == owner ? $0 : nil } }
    }

    func deal(cargoID: String) -> Deal? { state.withLock { $0.deals[cargoID] } }

    /// The deal a vehicle carries now.
    func active(vehicleKey: Int64) -> Deal? {
        state.withLock { s in s.activeByVehicle[vehicleKey].flatMap { s.deals[$0] } }
    }

    /// Active deals whose progress is due (moving, not yet at the delivery).
    func due(now: Int64, every interval: Int64) -> [Deal] {
        state.withLock { s in
            s.activeByVehicle.values.compactMap { s.deals[$0] }.filter {
                ($0.state == .loaded || $0.state == .inTransit) && ($0.progressAt.map { now - $0 >= interval } ?? true)
            }
        }
    }

    /// Stores a deal (new or changed). With `keepingProgress`, the progress fields already in the book
    /// win: the evaluator changes states, the progress service the rest, each from its own copy.
    func install(_ deal: Deal, keepingProgress: Bool = false) {
        state.withLock { s in
            var deal = deal
            if keepingProgress, let current = s.deals[deal.cargoID] {
                // Delivered sets 100; otherwise the progress service's figure stands.
                deal.progress = max(current.progress, deal.progress)
                deal.etaDelivery = current.etaDelivery
                deal.routeMeters = current.routeMeters
                deal.progressAt = current.progressAt
                deal.checkpoints = current.checkpoints
            }
            s.deals[deal.cargoID] = deal
            if deal.active {
                s.activeByVehicle[deal.vehicleKey] = deal.cargoID
            } else if s.activeByVehicle[deal.vehicleKey] == deal.cargoID {
                s.activeByVehicle[deal.vehicleKey] = nil
            }
        }
    }

    /// Applies a progress computation to the deal as it is now (its state may have moved meanwhile).
    func updateProgress(cargoID: String, _ change: (inout Deal) -> Void) -> Deal? {
        state.withLock { s in
            guard var deal = s.deals[cargoID] else { return nil }
            change(&deal)
            s.deals[cargoID] = deal
            return deal
        }
    }

    public var count: Int { state.withLock { $0.deals.count } }
}
