/// How `GET /api/fleet/vehicles` sorts; every order ends on the key so pages never overlap.
public enum VehicleOrder: String, Sendable, CaseIterable {
    case createdAscending = "createdAt"
    case createdDescending = "-createdAt"
    case licenseAscending = "license"
    case licenseDescending = "-license"
    case statusAscending = "status"
    case statusDescending = "-status"

    var sql: String {
        switch self {
        case .createdAscending: "created_at, key"
        case .createdDescending: "created_at DESC, key DESC"
        case .licenseAscending: "license_plate, key"
        case .licenseDescending: "license_plate DESC, key DESC"
        case .statusAscending: "status, created_at, key"
        case .statusDescending: "status DESC, created_at, key"
        }
    }
}
