import Foundation
import GeoFleetMatching

extension MatchService {
    /// One of the user's vehicles as matching sees it (position, driver state); nil when the user has no such vehicle.
    public func vehicle(id: UUID, user: String) -> MatchVehicle? {
        guard let entry = catalog.entry(id: id), entry.owner == user else { return nil }
        return matchVehicle(entry, now: now())
    }
}
