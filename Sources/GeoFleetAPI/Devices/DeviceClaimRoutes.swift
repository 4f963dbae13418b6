import Foundation
import GeoFleetCore
import GeoFleetPostGIS
import Hummingbird

/// `POST /api/devices/claim` (an owner binds a tracker to a vehicle with its claim code) and
/// `POST /api/devices/claim-codes` (a service token issues a device's code, shown once).
struct DeviceClaimRoutes: Sendable {
    let deps: FleetAPIDependencies

    func register(on group: RouterGroup<APIRequestContext>) {
        group.post("devices/claim", use: claim)
        group.post("devices/claim-codes", use: issue)
    }

    struct ClaimBody: StrictBody {
        var imei: String
        var claimCode: String
        var vehicleId: String
        static let allowedKeys: Set<String> = ["imei", "claimCode", "vehicleId"]
    }

    @Sendable func claim(request: Request, context: APIRequestContext) async throws -> Response {
        let body = try await request.decodeStrict(ClaimBody.self, context: context)
        let id = try Validate.uuid(body.vehicleId, field: "vehicleId")
        var change = VehicleChange()
        change.gpsDeviceID = .some(try Validate.deviceID(body.imei))
        try await VehicleChangeRoutes(deps: deps).apply(change, to: id, claimCode: body.claimCode, context: context)
        return JSONResponse.success()
    }

    struct IssueBody: StrictBody {
        var imei: String
        static let allowedKeys: Set<String> = ["imei"]
    }

    @Sendable func issue(request: Request, context: APIRequestContext) async throws -> EditedResponse<Response> {
        let user = try context.requireUser()
        // An owner issuing codes could claim anyone's tracker: only the installer's service may.
        guard user.role == "service" else { throw APIError(.forbidden, "only a service token (role: service) may issue claim codes") }
        let body = try await request.decodeStrict(IssueBody.self, context: context)
        let imei = try Validate.deviceID(body.imei)
        guard let claims = deps.claims else { throw APIError(.serviceUnavailable, "device claims are not available") }
        let code = try await claims.issue(device: imei, issuedBy: user.id)
        context.audit?.object("device:\(imei)")
        var w = JSONWriter()
        w.beginObject()
        w.key("imei")
        w.string(imei)
        w.key("claimCode")
        w.string(code)
        w.endObject()
        return EditedResponse(status: .created, response: JSONResponse.ok(w))
    }

    /// Checks a binding of `device` by `user` against its claim code; the refusal as the API answers it.
    /// Returns whether the device has a claim code (its claim is recorded once the binding stands).
    static func check(_ deps: FleetAPIDependencies, device: String, code: String?, user: String) async throws -> Bool {
        guard let claims = deps.claims else { return false }
        do {
            return try await claims.verify(device: device, code: code, user: user)
        } catch let refusal as DeviceClaimRefusal {
            switch refusal {
            case .codeRequired, .wrongCode: throw APIError(.forbidden, refusal.description)
            case .locked(_, let seconds):
                throw APIError(.tooManyRequests, refusal.description, headers: [.retryAfter: String(seconds)])
            }
        }
    }
}
