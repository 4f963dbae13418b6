/// The event types GeoFleet produces (CONTRACT.md), the only ones a webhook may subscribe to.
public enum EventTypes {
    public static let all: [String] = [
        "geofence_enter", "geofence_exit", "geofence_dwell", "overspeed", "deal_status_update", "fleet_status_change",
    ]
    public static let known: Set<String> = Set(all)
}
