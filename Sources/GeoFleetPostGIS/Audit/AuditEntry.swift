import Foundation

/// One accountable change: who did what to which object, when and from where.
///
/// `before`/`after` hold the changed object's fields without coordinates (JSON objects);
/// `coordinates` holds the points involved (manual positions, cargo points) apart, so erasing a
/// vehicle's history can blank them and leave the rest readable.
public struct AuditEntry: Sendable, Hashable {
    public var id: Int64?
    public var time: Date?
    /// The account whose data changed (the JWT `sub` owning it).
    public var account: String
    /// Who did it: a user id, a service token's subject, or the operator at the command line.
    public var actor: String
    public var actorRole: String?
    /// `api` or `cli`.
    public var channel: String
    /// A dotted verb, e.g. `vehicle.update`, `history.erase`, `export.create`.
    public var action: String
    /// `vehicle:<uuid>`, `cargo:<id>`, `geofence:<uuid>`…
    public var target: String?
    /// Set when the entry concerns one vehicle: erasure blanks its coordinates.
    public var vehicleKey: Int64?
    public var method: String?
    public var path: String?
    public var status: Int?
    /// The client's address.
    public var remote: String?
    /// JSON objects (UTF-8 text), nil when not applicable.
    public var before: String?
    public var after: String?
    public var coordinates: String?
    /// When erasure blanked the coordinates.
    public var scrubbedAt: Date?

    public init(
        account: String, actor: String, actorRole: String? = nil, channel: String, action: String, target: String? = nil,
        vehicleKey: Int64? = nil, method: String? = nil, path: String? = nil, status: Int? = nil, remote: String? = nil,
        before: String? = nil, after: String? = nil, coordinates: String? = nil
    ) {
        self.account = account
        self.actor = actor
        self.actorRole = actorRole
        self.channel = channel
        self.action = action
        self.target = target
        self.vehicleKey = vehicleKey
        self.method = method
        self.path = path
        self.status = status
        self.remote = remote
        self.before = before
        self.after = after
        self.coordinates = coordinates
    }
}
