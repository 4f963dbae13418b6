import GeoFleetFences
import GeoFleetTracking

/// `POST /api/geofences` and `PUT /api/geofences/{id}`: `{name, area, speedLimitKmh?, dwellMinutes?, schedule?}`.
struct GeofenceBody: StrictBody {
    var name: String
    var area: GeofenceAreaBody
    var speedLimitKmh: Double?
    var dwellMinutes: Int?
    var schedule: FenceSchedule?

    static let allowedKeys: Set<String> = ["name", "area", "speedLimitKmh", "dwellMinutes", "schedule"]
    static let nestedAllowedKeys: [String: Set<String>] = [
        "area": ["type", "center", "radiusMeters", "coordinates", "line", "widthMeters"], "area.center": ["lat", "long"],
        "schedule": ["days", "from", "to", "timeZone"],
    ]

    /// A polygon of `FenceArea.maxVertices` positions fits with room for formatting; larger is refused whole (413).
    static let maxBytes = 1 << 20

    /// The checked fields, or a 400 naming what is wrong.
    func validated() throws -> (name: String, area: FenceArea, speedLimitKmh: Double?, dwellMinutes: Int?, schedule: FenceSchedule?) {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard (1...200).contains(trimmed.count), !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APIError.badRequest("name must be 1 to 200 printable characters")
        }
        if let speedLimitKmh, !(speedLimitKmh.isFinite && (1...300).contains(speedLimitKmh)) {
            throw APIError.badRequest("speedLimitKmh must be between 1 and 300")
        }
        if let dwellMinutes, !(1...10_080).contains(dwellMinutes) {
            throw APIError.badRequest("dwellMinutes must be between 1 and 10080 (a week)")
        }
        var checkedSchedule: FenceSchedule?
        do {
            checkedSchedule = try schedule?.validated()
        } catch {
            throw APIError.badRequest(error.description)
        }
        do {
            return (trimmed, try area.area(), speedLimitKmh, dwellMinutes, checkedSchedule)
        } catch {
            throw APIError.badRequest("area: \(error.description)")
        }
    }
}
