import Foundation
import GeoFleetFences

/// A stored geofence: what the API lists, and what the evaluator's `Fence` is made from.
public struct Geofence: Sendable, Equatable {
    public var id: UUID
    public var owner: String
    public var name: String
    public var area: FenceArea
    public var speedLimitKmh: Double?
    public var dwellMinutes: Int?
    /// When its events fire; nil: always.
    public var schedule: FenceSchedule?
    /// Set on the two fences a deal made around its pickup and delivery.
    public var cargoID: String?
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(
        id: UUID, owner: String, name: String, area: FenceArea, speedLimitKmh: Double? = nil, dwellMinutes: Int? = nil,
        schedule: FenceSchedule? = nil, cargoID: String? = nil, createdAt: Int64, updatedAt: Int64
    ) {
        self.schedule = schedule
        self.id = id
        self.owner = owner
        self.name = name
        self.area = area
        self.speedLimitKmh = speedLimitKmh
        self.dwellMinutes = dwellMinutes
        self.cargoID = cargoID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The evaluator's view.
    public var fence: Fence {
        Fence(id: id, owner: owner, area: area, speedLimitKmh: speedLimitKmh, dwellSeconds: dwellMinutes.map { Int64($0) * 60 })
    }
}

extension Geofence {
    /// The area as the API shows it (the body it was created with).
    public var areaJSON: String { Self.json(GeofenceAreaBody(area)) ?? "null" }

    /// The schedule as the API shows it; nil without one.
    public var scheduleJSON: String? { schedule.flatMap(Self.json) }

    private static func json(_ value: some Encodable) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) }
    }
}
